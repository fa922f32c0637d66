//! Simplified and Traditional Chinese: a table of common characters that differ between
//! the two scripts. It tells the two apart (the language check) and turns Simplified
//! training text into Traditional (so the text model learns both).
//!
//! Each pair is the Simplified form followed by its usual Traditional form. Where one
//! Simplified character stands for several Traditional ones (发: 發 and 髮), the commoner is
//! listed. Covers the few hundred characters that carry most running text, not every
//! character: conversion leaves others as they are.

/// Simplified–Traditional pairs, two characters each.
const PAIRS: &str = "\
这這个個们們为為时時会會来來对對发發经經过過还還没沒问問题題关關实實体體学學动動于於与與区區华華权權历歷开開产產党黨门門东東万萬长長进進现現当當义義应應说說话話\
国國请請谢謝让讓论論议議认認识識记記设設许許语語读讀调調谈談证證评評译譯诉訴该該详詳误誤访訪诺諾讲講谁誰课課词詞试試诗詩诚誠谋謀谓謂谎謊谣謠谴譴负負贡貢财財责責\
贵貴费費资資赛賽质質购購货貨贫貧贴貼贸貿贷貸贺賀赏賞赔賠赞贊赵趙车車军軍转轉轮輪软軟轻輕较較辑輯输輸边邊达達迁遷运運远遠违違连連迟遲选選递遞逻邏遗遺郑鄭钟鐘钱錢\
铁鐵银銀锁鎖错錯镇鎮闭閉间間闻聞阅閱队隊阳陽阴陰阵陣际際陆陸陈陳随隨险險隐隱难難雾霧须須顺順领領频頻颜顏风風飞飛饭飯马馬验驗鱼魚鸟鳥龙龍齐齊亚亞严嚴丧喪丰豐临臨\
丽麗举舉乌烏乐樂习習乡鄉书書买買乱亂争爭亏虧亲親亿億仅僅从從仑侖仓倉优優伟偉传傳伤傷伦倫伪偽侠俠侣侶侦偵侧側侨僑俭儉债債倾傾偿償儿兒兑兌兰蘭兴興兹茲养養兽獸冲衝\
决決况況冻凍净淨准準凉涼减減凤鳳凭憑击擊刘劉则則刚剛创創删刪别別刹剎剂劑剑劍剧劇劝勸办辦务務励勵劳勞势勢勋勳匀勻医醫协協单單卖賣卢盧卫衛却卻厂廠厅廳压壓厌厭厕廁\
县縣参參双雙变變叙敘叶葉号號叹嘆后後吓嚇吕呂吗嗎听聽启啟吴吳员員呜嗚响響哑啞团團园園围圍图圖圆圓圣聖场場坏壞块塊坚堅坛壇坝壩坟墳坠墜垄壟垒壘执執夺奪奋奮奖獎妆妝\
妇婦妈媽姗姍娄婁娱娛婴嬰孙孫宁寧宝寶宠寵审審宪憲宫宮宽寬宾賓寻尋导導寿壽将將尔爾尘塵尝嘗层層岁歲岂豈岛島岭嶺峡峽币幣帅帥师師帐帳带帶帮幫库庫庙廟庞龐废廢异異弃棄\
张張弯彎弹彈强強归歸录錄彻徹忆憶忧憂怀懷态態怜憐总總恋戀恶惡恳懇悦悅惊驚惧懼惨慘惩懲愤憤战戰户戶扑撲扩擴扫掃扬揚扰擾护護报報担擔拟擬拥擁拦攔择擇挂掛挡擋挤擠挥揮\
损損换換捣搗据據掷擲揽攬搀攙摄攝摆擺摇搖敌敵数數斗鬥断斷无無旧舊旷曠昼晝显顯晋晉晒曬晓曉暂暫术術机機杀殺杂雜条條杨楊极極构構枪槍柜櫃标標栏欄树樹样樣档檔桥橋梦夢\
检檢楼樓欢歡欧歐残殘毁毀毕畢气氣汇匯汉漢汤湯沟溝沪滬泪淚泽澤洁潔浅淺测測济濟浏瀏浑渾浓濃涂塗润潤涨漲渐漸渔漁湾灣湿濕满滿滥濫潜潛灭滅灯燈灵靈灾災炉爐点點炼煉烟煙\
热熱焕煥爱愛爷爺牵牽状狀犹猶独獨狮獅猎獵献獻环環琐瑣电電画畫畅暢疗療疯瘋痒癢盖蓋盐鹽监監盘盤码碼础礎确確礼禮祸禍离離种種积積称稱稳穩穷窮窃竊竞競笔筆笼籠筑築简簡\
签簽类類粮糧紧緊纠糾红紅约約级級纪紀纯純纲綱纳納纵縱纷紛纸紙线線组組细細织織终終绑綁结結绕繞绘繪给給络絡统統继繼绩績续續维維综綜绿綠编編缓緩缘緣网網罗羅罚罰罢罷\
职職联聯聪聰肃肅肠腸肤膚肿腫胁脅胆膽胜勝脑腦脚腳脸臉腊臘舆輿舍捨艰艱艺藝节節芦蘆苏蘇范範荣榮药藥莱萊获獲营營萧蕭蓝藍虑慮虚虛虫蟲蚁蟻补補装裝见見观觀规規视視览覽\
觉覺触觸誉譽计計订訂讨討训訓讯訊讽諷诊診询詢诸諸谅諒谊誼谍諜谜謎谨謹谱譜贝貝贞貞贤賢败敗账賬贩販贯貫贱賤贼賊赌賭赖賴赢贏赶趕趋趨跃躍践踐踪蹤轨軌轰轟辆輛辈輩辉輝\
辞辭辩辯辽遼适適逊遜遥遙邓鄧邮郵邻鄰酝醞释釋里裏针針钓釣钢鋼钥鑰钦欽铃鈴铜銅铭銘铺鋪链鏈销銷锋鋒锐銳锦錦键鍵镜鏡闪閃闯闖闲閒闹鬧阀閥阁閣阶階陕陝隶隸雏雛韩韓页頁\
顶頂项項顾顧顿頓预預颁頒颗顆额額饥飢饮飲饰飾饱飽馆館驱驅驶駛驻駐骂罵骑騎骗騙骚騷鲁魯鸡雞鸣鳴麦麥黄黃齿齒龟龜\
";

/// The Simplified → Traditional pairs, as characters.
fn pairs() -> impl Iterator<Item = (char, char)> {
    let mut it = PAIRS.chars();
    std::iter::from_fn(move || Some((it.next()?, it.next()?))).filter(|(s, t)| s != t)
}

/// The pairs as sorted keys: `simplified << 32 | traditional` in the first table, and
/// `traditional << 32` in the second. Plain integers keep the lookups (and the code that
/// sorts them) small.
fn tables() -> &'static (Vec<u64>, Vec<u64>) {
    static T: std::sync::OnceLock<(Vec<u64>, Vec<u64>)> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let mut s2t: Vec<u64> = pairs().map(|(s, t)| (u64::from(s) << 32) | u64::from(t)).collect();
        s2t.sort_unstable();
        let mut t: Vec<u64> = s2t.iter().map(|p| p << 32).collect();
        t.sort_unstable();
        (s2t, t)
    })
}

/// The table entry whose key (the high half) is `c`.
fn lookup(table: &[u64], c: char) -> Option<u64> {
    let key = u64::from(c) << 32;
    let i = table.partition_point(|&p| p < key);
    table.get(i).copied().filter(|&p| p >> 32 == key >> 32)
}

/// Which script a character marks: `Some(true)` for a form only Simplified text uses,
/// `Some(false)` for one only Traditional text uses, `None` for shared or other characters.
pub fn marks_simplified(c: char) -> Option<bool> {
    let (s2t, t) = tables();
    if lookup(s2t, c).is_some() {
        Some(true)
    } else if lookup(t, c).is_some() {
        Some(false)
    } else {
        None
    }
}

/// Simplified text in Traditional characters (for the characters the table knows).
pub fn to_traditional(text: &str) -> String {
    let (s2t, _) = tables();
    text.chars()
        .map(|c| lookup(s2t, c).and_then(|p| char::from_u32((p & 0xffff_ffff) as u32)).unwrap_or(c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_whole_and_each_side_is_one_script() {
        assert_eq!(PAIRS.chars().filter(|c| !c.is_whitespace()).count() % 2, 0);
        // No character is both a Simplified form and another pair's Traditional form.
        let mut simplified: Vec<char> = pairs().map(|p| p.0).collect();
        simplified.sort_unstable();
        let n = simplified.len();
        simplified.dedup();
        assert_eq!(simplified.len(), n, "a Simplified form is listed twice");
        for (s, _) in pairs() {
            assert_eq!(marks_simplified(s), Some(true), "{s} is also another pair's Traditional form");
        }
        assert!(n > 400, "{n}");
    }

    #[test]
    fn converts_and_tells_the_scripts_apart() {
        assert_eq!(
            to_traditional("这个问题我暂时无法回答，让我们换个话题"),
            "這個問題我暫時無法回答，讓我們換個話題"
        );
        assert_eq!(marks_simplified('这'), Some(true));
        assert_eq!(marks_simplified('這'), Some(false));
        assert_eq!(marks_simplified('中'), None);
    }
}
