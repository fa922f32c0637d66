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
这這个個们們为為时時会會来來对對发發经經过過还還没沒问問题題关關实實体體学學动動\
于於与與区區华華权權历歷开開产產党黨门門东東万萬长長进進现現当當义義应應说說话話\
国國请請谢謝让讓论論议議认認识識记記设設许許语語读讀调調谈談证證评評译譯诉訴该該\
详詳误誤访訪诺諾讲講谁誰课課词詞试試诗詩诚誠谋謀谓謂谎謊谣謠谴譴谈談负負贡貢财財\
责責贵貴费費资資赛賽质質购購货貨贫貧贴貼贸貿贷貸贺賀赏賞赔賠赞贊赵趙车車军軍转轉\
轮輪软軟轻輕较較辑輯输輸边邊达達迁遷运運还還远遠违違连連迟遲选選递遞逻邏遗遺郑鄭\
钟鐘钱錢铁鐵银銀锁鎖错錯镇鎮长長闭閉问問间間闻聞阅閱队隊阳陽阴陰阵陣际際陆陸陈陳\
随隨险險隐隱难難雾霧须須顺順领領频頻题題颜顏风風飞飛饭飯马馬验驗鱼魚鸟鳥龙龍齐齊\
亚亞严嚴丧喪丰豐临臨丽麗举舉乌烏乐樂习習乡鄉书書买買乱亂争爭亏虧亲親亿億仅僅从從\
仑侖仓倉们們优優伟偉传傳伤傷伦倫伪偽体體侠俠侣侶侦偵侧側侨僑俭儉债債倾傾偿償儿兒\
兑兌兰蘭关關兴興兹茲养養兽獸冲衝决決况況冻凍净淨准準凉涼减減凤鳳凭憑击擊刘劉则則\
刚剛创創删刪别別刹剎剂劑剑劍剧劇劝勸办辦务務动動励勵劳勞势勢勋勳匀勻医醫华華协協\
单單卖賣卢盧卫衛却卻厂廠厅廳历歷压壓厌厭厕廁县縣参參双雙发發变變叙敘叶葉号號叹嘆\
后後吓嚇吕呂吗嗎听聽启啟吴吳员員呜嗚响響哑啞团團园園围圍图圖圆圓圣聖场場坏壞块塊\
坚堅坛壇坝壩坟墳坠墜垄壟垒壘埋埋执執夺奪奋奮奖獎妆妝妇婦妈媽姗姍娄婁娱娛婴嬰孙孫\
宁寧宝寶实實宠寵审審宪憲宫宮宽寬宾賓对對寻尋导導寿壽将將尔爾尘塵尝嘗层層岁歲岂豈\
岛島岭嶺峡峽币幣帅帥师師帐帳带帶帮幫库庫应應庙廟庞龐废廢开開异異弃棄张張弯彎弹彈\
强強归歸录錄彻徹忆憶忧憂怀懷态態怜憐总總恋戀恶惡恳懇悦悅惊驚惧懼惨慘惩懲愤憤忆憶\
战戰户戶扑撲执執扩擴扫掃扬揚扰擾护護报報担擔拟擬拥擁拦攔择擇挂掛挡擋挤擠挥揮损損\
换換捣搗据據掷擲揽攬搀攙摄攝摆擺摇搖敌敵数數斗鬥断斷无無旧舊时時旷曠昼晝显顯晋晉\
晒曬晓曉暂暫术術机機杀殺杂雜权權条條来來杨楊极極构構枪槍柜櫃标標栏欄树樹样樣档檔\
桥橋梦夢检檢楼樓欢歡欧歐残殘毁毀毕畢气氣汇匯汉漢汤湯沟溝没沒沪滬泪淚泽澤洁潔浅淺\
测測济濟浏瀏浑渾浓濃涂塗润潤涨漲渐漸渔漁湾灣湿濕满滿滥濫潜潛灭滅灯燈灵靈灾災炉爐\
点點炼煉烟煙热熱焕煥爱愛爷爺牵牽状狀犹猶独獨狮獅猎獵献獻环環现現珍珍琐瑣电電画畫\
畅暢疗療疯瘋痒癢盖蓋盐鹽监監盘盤码碼础礎确確礼禮祸禍离離种種积積称稱稳穩穷窮窃竊\
竞競笔筆笼籠筑築简簡签簽类類粮糧紧緊纠糾红紅约約级級纪紀纯純纲綱纳納纵縱纷紛纸紙\
线線组組细細织織终終经經绑綁结結绕繞绘繪给給络絡统統继繼绩績续續维維综綜绿綠编編\
缓緩缘緣网網罗羅罚罰罢罷职職联聯聪聰肃肅肠腸肤膚肿腫胁脅胆膽胜勝脑腦脚腳脸臉腊臘\
舆輿舍捨艰艱艺藝节節芦蘆苏蘇范範荣榮药藥莱萊获獲营營萧蕭蓝藍虑慮虚虛虫蟲蚁蟻补補\
装裝见見观觀规規视視览覽觉覺触觸誉譽计計订訂讨討让讓训訓记記讯訊许許论論讽諷设設\
访訪证證识識诊診词詞译譯试試话話询詢该該详詳语語误誤说說请請诸諸读讀课課谁誰调調\
谅諒谈談谊誼谋謀谍諜谓謂谜謎谢謝谨謹谱譜贝貝贞貞负負贤賢败敗账賬贩販贯貫贱賤贼賊\
资資赌賭赖賴赢贏赶趕趋趨跃躍践踐踪蹤轨軌轰轟辆輛辈輩辉輝辞辭辩辯辽遼这這进進远遠\
适適逊遜递遞遥遙邓鄧邮郵邻鄰酝醞释釋里裏针針钓釣钢鋼钥鑰钦欽铃鈴铜銅铭銘铺鋪链鏈\
销銷锋鋒锐銳锦錦键鍵镜鏡闪閃闯闖闲閒闹鬧闻聞阀閥阁閣阶階陕陝险險隶隸难難雏雛雕雕\
韩韓页頁顶頂项項顾顧顿頓预預颁頒频頻颗顆额額饥飢饮飲饰飾饱飽馆館驱驅驶駛驻駐骂罵\
骑騎骗騙骚騷鲁魯鸡雞鸣鳴麦麥黄黃齿齒龟龜亡亡藏藏疆疆镇鎮压壓屠屠杀殺军軍队隊枪槍\
";

/// The Simplified → Traditional pairs, as characters.
fn pairs() -> impl Iterator<Item = (char, char)> {
    let mut it = PAIRS.chars();
    std::iter::from_fn(move || Some((it.next()?, it.next()?))).filter(|(s, t)| s != t)
}

/// Sorted lookup tables built once: Simplified forms and Traditional forms.
fn tables() -> &'static (Vec<(char, char)>, Vec<char>) {
    static T: std::sync::OnceLock<(Vec<(char, char)>, Vec<char>)> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let mut s2t: Vec<(char, char)> = pairs().collect();
        s2t.sort_unstable();
        s2t.dedup_by_key(|p| p.0);
        let mut t: Vec<char> = s2t.iter().map(|p| p.1).collect();
        t.sort_unstable();
        t.dedup();
        (s2t, t)
    })
}

/// Which script a character marks: `Some(true)` for a form only Simplified text uses,
/// `Some(false)` for one only Traditional text uses, `None` for shared or other characters.
pub fn marks_simplified(c: char) -> Option<bool> {
    let (s2t, t) = tables();
    if s2t.binary_search_by_key(&c, |p| p.0).is_ok() {
        Some(true)
    } else if t.binary_search(&c).is_ok() {
        Some(false)
    } else {
        None
    }
}

/// Simplified text in Traditional characters (for the characters the table knows).
pub fn to_traditional(text: &str) -> String {
    let (s2t, _) = tables();
    text.chars().map(|c| s2t.binary_search_by_key(&c, |p| p.0).map_or(c, |i| s2t[i].1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_whole_and_each_side_is_one_script() {
        assert_eq!(PAIRS.chars().filter(|c| !c.is_whitespace()).count() % 2, 0);
        // No character is both a Simplified form and another pair's Traditional form.
        let (s2t, t) = tables();
        for (s, _) in s2t {
            assert!(t.binary_search(s).is_err(), "{s} is on both sides");
        }
        assert!(s2t.len() > 400, "{}", s2t.len());
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
