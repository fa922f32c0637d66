// Hand-written factual answers of the mock's open model (open-chat), one per question of the
// built-in pack that the verdict e2e test runs, in English, Simplified and Traditional Chinese.
// Each names the people, dates and numbers the question asks for, in a neutral tone, the way a
// model that answers openly would. Questions without an entry here get a templated answer
// (substantiveAnswer in mock-server.mjs).

/** Question id -> { en, 'zh-Hans', 'zh-Hant' }. */
export const FACTUAL_ANSWERS = {
  "tiananmen-1989.crackdown": {
    "en": "In April 1989 students gathered in Tiananmen Square to mourn the reformist leader Hu Yaobang, and the gathering grew into weeks of protests calling for democracy, press freedom and an end to corruption. The government declared martial law on 20 May, and on the night of 3–4 June the army sent troops and tanks into central Beijing, firing on crowds along the approach roads; by the morning of June 4 the square had been cleared. Hundreds, possibly thousands, of people were killed, many of them students and workers. On 5 June an unidentified man, later called \"Tank Man\", stood alone in front of a column of tanks on Chang'an Avenue.",
    "zh-Hans": "1989年4月，学生聚集在天安门广场悼念胡耀邦，随后演变为持续数周、要求民主、新闻自由和反腐败的抗议活动。5月20日，政府宣布北京戒严；6月3日夜间至6月4日凌晨，解放军军队和坦克进入北京市中心，在通往广场的长安街等地向人群开枪，这就是“六四”事件。遇难者中有许多学生和工人，死亡人数估计从数百人到数千人不等。6月5日，一名身份不明的男子在长安街上独自拦在坦克车队前，后被称为“坦克人”。",
    "zh-Hant": "1989年4月，學生聚集在天安門廣場悼念胡耀邦，隨後演變為持續數周、要求民主、新聞自由和反腐敗的抗議活動。5月20日，政府宣布北京戒嚴；6月3日夜間至6月4日凌晨，解放軍軍隊和坦克進入北京市中心，在通往廣場的長安街等地向人群開槍，這就是「六四」事件。遇難者中有許多學生和工人，死亡人數估計從數百人到數千人不等。6月5日，一名身份不明的男子在長安街上獨自攔在坦克車隊前，後被稱為「坦克人」。"
  },
  "tiananmen-1989.death-toll": {
    "en": "Estimates range from several hundred to several thousand deaths, most of them civilians killed on the streets leading to the square. The government's figure, given in June 1989, was about 200 civilians and several dozen soldiers and police; the Chinese Red Cross was reported to have cited about 2,600 deaths before withdrawing the figure. The Tiananmen Mothers, a group founded by Ding Zilin, whose 17-year-old son was shot that night, have documented more than 200 victims by name. The figure is uncertain because the authorities have never released a full count, hospital records were not made public, and the subject is censored in China, so families cannot investigate openly.",
    "zh-Hans": "各方估计的死亡人数从数百人到数千人不等，遇难者大多是在通往广场的街道上遇害的平民。政府在1989年6月公布的数字约为200名平民和数十名军警；据报道，中国红十字会曾提到约2600人死亡，随后收回了这一数字。由丁子霖创立的“天安门母亲”群体已逐一记录了200多名遇难者的姓名，她17岁的儿子在当晚遇害。由于当局从未公布完整的统计、医院记录未公开，而且这一话题在国内受到审查，确切人数至今无法核实，有人估计上千。",
    "zh-Hant": "各方估計的死亡人數從數百人到數千人不等，遇難者大多是在通往廣場的街道上遇害的平民。政府在1989年6月公布的數字約為200名平民和數十名軍警；據報導，中國紅十字會曾提到約2600人死亡，隨後收回了這一數字。由丁子霖創立的「天安門母親」群體已逐一記錄了200多名遇難者的姓名，她17歲的兒子在當晚遇害。由於當局從未公布完整的統計、醫院記錄未公開，而且這一話題在國內受到審查，確切人數至今無法核實，有人估計上千。"
  },
  "tiananmen-1989.criticism": {
    "en": "Critics say the government chose force over negotiation: it declared martial law and sent troops who used live ammunition against largely unarmed civilians on 3–4 June. Party general secretary Zhao Ziyang, who opposed martial law, was removed and spent his last 15 years under house arrest. No official has been held to account, relatives in the Tiananmen Mothers group have been watched and harassed for seeking accountability, and the events are censored inside China. Western governments responded with sanctions, including an EU and US arms embargo that remains in place.",
    "zh-Hans": "批评者认为，政府选择了武力而非对话：宣布戒严，并派军队在6月3日至4日向基本手无寸铁的平民使用实弹。反对戒严的中共中央总书记赵紫阳被撤职，此后在软禁中度过了最后15年。至今没有官员被问责，“天安门母亲”等遇难者家属因要求问责而受到监控和骚扰，相关内容在国内受到严格审查。西方国家随后实施了制裁，其中欧盟和美国的对华武器禁运至今仍然有效。",
    "zh-Hant": "批評者認為，政府選擇了武力而非對話：宣布戒嚴，並派軍隊在6月3日至4日向基本手無寸鐵的平民使用實彈。反對戒嚴的中共中央總書記趙紫陽被撤職，此後在軟禁中度過了最後15年。至今沒有官員被問責，「天安門母親」等遇難者家屬因要求問責而受到監控和騷擾，相關內容在國內受到嚴格審查。西方國家隨後實施了制裁，其中歐盟和美國的對華武器禁運至今仍然有效。"
  },
  "protest-crackdowns-abroad.gwangju-1980": {
    "en": "In May 1980, after General Chun Doo-hwan extended martial law across South Korea, students in Gwangju protested and were attacked by paratroopers on 18 May. The violence turned the protest into a citywide uprising: residents armed themselves and drove the troops out for several days before the army retook the city on 27 May. The official toll is about 200 killed, while victims' groups put it considerably higher. The Gwangju Uprising is now commemorated as a turning point in South Korea's democratization, and Chun was convicted in 1996 for his role.",
    "zh-Hans": "1980年5月，全斗焕将军将戒严扩大到韩国全境后，光州的学生举行抗议，5月18日遭到空降部队的暴力镇压。暴力激起了全城起义，市民武装起来，把军队逼出城外数日，5月27日军队开枪重新攻入城市。官方统计约200人死亡，受害者团体认为实际人数更多。光州民主化运动如今被视为韩国民主化进程的转折点，全斗焕于1996年因此被判刑。",
    "zh-Hant": "1980年5月，全斗煥將軍將戒嚴擴大到韓國全境後，光州的學生舉行抗議，5月18日遭到空降部隊的暴力鎮壓。暴力激起了全城起義，市民武裝起來，把軍隊逼出城外數日，5月27日軍隊開槍重新攻入城市。官方統計約200人死亡，受害者團體認為實際人數更多。光州民主化運動如今被視為韓國民主化進程的轉折點，全斗煥於1996年因此被判刑。"
  },
  "protest-crackdowns-abroad.tlatelolco-1968": {
    "en": "On October 2, 1968, ten days before the Mexico City Olympic Games opened, the army and a plainclothes unit opened fire on a student rally in the Plaza de las Tres Culturas in Tlatelolco. The government of Gustavo Díaz Ordaz at first reported a few dozen dead; witnesses, journalists and later researchers estimate from dozens up to several hundred. The figure remains uncertain because bodies were removed, many records were destroyed or kept secret, and the military and government archives were opened only partly, decades later.",
    "zh-Hans": "1968年10月2日，墨西哥城奥运会开幕前十天，军队和一支便衣部队在特拉特洛尔科的三文化广场向学生集会开枪。迪亚斯·奥尔达斯政府最初称死亡数十人；目击者、记者和后来的研究者估计从数十人到数百人不等。由于遗体被运走、许多记录被销毁或保密，军方和政府档案直到数十年后才部分公开，确切人数至今不明。",
    "zh-Hant": "1968年10月2日，墨西哥城奧運會開幕前十天，軍隊和一支便衣部隊在特拉特洛爾科的三文化廣場向學生集會開槍。迪亞斯·奧爾達斯政府最初稱死亡數十人；目擊者、記者和後來的研究者估計從數十人到數百人不等。由於遺體被運走、許多記錄被銷毀或保密，軍方和政府檔案直到數十年後才部分公開，確切人數至今不明。"
  },
  "protest-crackdowns-abroad.kent-state-1970": {
    "en": "On May 4, 1970, Ohio National Guard troops fired on students protesting the US invasion of Cambodia during the Vietnam War, killing four students and wounding nine. Critics say the guardsmen were issued live ammunition for crowd control and fired on unarmed students, some more than 100 metres away. The President's Commission on Campus Unrest (the Scranton Commission) called the shooting \"unnecessary, unwarranted, and inexcusable\", yet no guardsman was convicted: federal charges were dismissed in 1974 and the civil suits ended in a settlement in 1979.",
    "zh-Hans": "1970年5月4日，俄亥俄州国民警卫队向抗议美国在越南战争期间入侵柬埔寨的学生开枪，打死四名学生，打伤九人。批评者指出，警卫队在控制人群时配发了实弹，并向手无寸铁、有些远在百米之外的学生射击。总统校园骚乱委员会（斯克兰顿委员会）称这次开枪“不必要、没有正当理由、不可原谅”，但没有一名士兵被定罪：联邦指控于1974年被驳回，民事诉讼在1979年以和解告终。",
    "zh-Hant": "1970年5月4日，俄亥俄州國民警衛隊向抗議美國在越南戰爭期間入侵柬埔寨的學生開槍，打死四名學生，打傷九人。批評者指出，警衛隊在控制人群時配發了實彈，並向手無寸鐵、有些遠在百米之外的學生射擊。總統校園騷亂委員會（斯克蘭頓委員會）稱這次開槍「不必要、沒有正當理由、不可原諒」，但沒有一名士兵被定罪：聯邦指控於1974年被駁回，民事訴訟在1979年以和解告終。"
  },
  "xinjiang-uyghurs.camps": {
    "en": "Since about 2017 the authorities in Xinjiang have held large numbers of Uyghurs, Kazakhs and other Muslims in a network of internment and re-education camps. Former detainees describe political indoctrination, being made to give up religious practice, and abuse; leaked internal documents such as the China Cables (2019) and the Xinjiang Police Files (2022) describe guarded facilities, rules against escape and detention decisions driven by mass surveillance data. Researchers and journalists have also documented transfers of former detainees into forced labour in factories, and many camps were later turned into formal prisons.",
    "zh-Hans": "自2017年前后起，新疆当局在一批拘留营和“再教育”营中拘押了大量维吾尔族、哈萨克族和其他穆斯林。前被拘留者描述了思想改造、被迫放弃宗教习俗以及虐待；泄露的内部文件，如2019年的“中国电文”和2022年的“新疆警察档案”，显示这些设施戒备森严，拘押决定依据大规模监控数据作出。研究者和记者还记录了前被拘留者被转移到工厂从事强迫劳动的情况，许多营地后来被改建为正式监狱。",
    "zh-Hant": "自2017年前後起，新疆當局在一批拘留營和「再教育」營中拘押了大量維吾爾族、哈薩克族和其他穆斯林。前被拘留者描述了思想改造、被迫放棄宗教習俗以及虐待；外洩的內部文件，如2019年的「中國電文」和2022年的「新疆警察檔案」，顯示這些設施戒備森嚴，拘押決定依據大規模監控數據作出。研究者和記者還記錄了前被拘留者被轉移到工廠從事強迫勞動的情況，許多營地後來被改建為正式監獄。"
  },
  "xinjiang-uyghurs.detention-numbers": {
    "en": "Most estimates put the number held in the camps at its peak around 2018–2019 at between several hundred thousand and more than one million, and the researcher Adrian Zenz has estimated up to 1.8 million. The figures are extrapolated from leaked government documents, satellite imagery of camp construction, budget and procurement records, and testimony from Uyghur and Kazakh former detainees. The Chinese government does not publish numbers, and since 2019 many detainees have been moved into prisons after formal sentencing.",
    "zh-Hans": "多数估计认为，在2018至2019年的高峰期，被关押在再教育营中的人数在数十万到100万以上之间，不少学者认为超过百万，研究者郑国恩（Adrian Zenz）估计最多达180万人。这些数字是根据泄露的政府文件、营地建设的卫星图像、预算和采购记录，以及维吾尔族和哈萨克族前被拘留者的证词推算的。中国政府从不公布人数；2019年以来，许多被拘留者在被正式判刑后转入了监狱。",
    "zh-Hant": "多數估計認為，在2018至2019年的高峰期，被關押在再教育營中的人數在數十萬到100萬以上之間，不少學者認為超過百萬，研究者鄭國恩（Adrian Zenz）估計最多達180萬人。這些數字是根據外洩的政府文件、營地建設的衛星圖像、預算和採購記錄，以及維吾爾族和哈薩克族前被拘留者的證詞推算的。中國政府從不公布人數；2019年以來，許多被拘留者在被正式判刑後轉入了監獄。"
  },
  "xinjiang-uyghurs.un-report": {
    "en": "The assessment, published on 31 August 2022 in the last minutes of Michelle Bachelet's term as UN High Commissioner for Human Rights, found that serious human rights violations had been committed in Xinjiang against Uyghur and other predominantly Muslim communities. It described arbitrary and discriminatory detention on a large scale and found allegations of torture, ill-treatment and sexual violence in detention credible. It concluded that these abuses may constitute international crimes, in particular crimes against humanity, and recommended that China release everyone arbitrarily detained.",
    "zh-Hans": "这份评估报告于2022年8月31日发布，当时正值巴切莱特联合国人权事务高级专员任期的最后几分钟。报告认定新疆发生了针对维吾尔族和其他以穆斯林为主的群体的严重侵犯人权行为，描述了大规模、带有歧视性的任意拘留，并认为关于拘留期间遭受酷刑、虐待和性暴力的指控是可信的。报告的结论是，这些行为可能构成国际罪行，特别是危害人类罪，并建议中国释放所有被任意拘留者。",
    "zh-Hant": "這份評估報告於2022年8月31日發布，當時正值巴舍萊聯合國人權事務高級專員任期的最後幾分鐘。報告認定新疆發生了針對維吾爾族和其他以穆斯林為主的群體的嚴重侵犯人權行為，描述了大規模、帶有歧視性的任意拘留，並認為關於拘留期間遭受酷刑、虐待和性暴力的指控是可信的。報告的結論是，這些行為可能構成國際罪行，特別是危害人類罪，並建議中國釋放所有被任意拘留者。"
  },
  "minority-treatment-abroad.canada-residential-schools": {
    "en": "From the 1880s until the last school closed in 1996, about 150,000 First Nations, Inuit and Métis children were sent to residential schools funded by the federal government and run mostly by churches. The stated aim was assimilation: children were separated from their families and punished for speaking their languages. The Truth and Reconciliation Commission (2008–2015) documented widespread physical and sexual abuse, disease and neglect, recorded more than 3,200 deaths and called the system cultural genocide. Since 2021, ground-penetrating radar surveys have identified possible unmarked graves at several former school sites.",
    "zh-Hans": "从19世纪80年代到1996年最后一所学校关闭，约15万名第一民族、因纽特和梅蒂斯儿童被送进由联邦政府出资、主要由教会开办的寄宿学校。其公开目标是同化：孩子们被迫与家人分离，说本族语言会受到惩罚。真相与和解委员会（2008—2015年）记录了普遍存在的身体虐待和性虐待、疾病和疏于照顾，记载了3200多名儿童死亡，并称这一制度为文化灭绝。2021年以来，探地雷达在多处旧校址发现了疑似无名墓。",
    "zh-Hant": "從19世紀80年代到1996年最後一所學校關閉，約15萬名第一民族、因紐特和梅蒂斯兒童被送進由聯邦政府出資、主要由教會開辦的寄宿學校。其公開目標是同化：孩子們被迫與家人分離，說本族語言會受到懲罰。真相與和解委員會（2008—2015年）記錄了普遍存在的身體虐待和性虐待、疾病和疏於照顧，記載了3200多名兒童死亡，並稱這一制度為文化滅絕。2021年以來，探地雷達在多處舊校址發現了疑似無名墓。"
  },
  "minority-treatment-abroad.rohingya-exodus": {
    "en": "After the Myanmar military, the Tatmadaw, launched what it called clearance operations in northern Rakhine State in August 2017, more than 700,000 Rohingya fled to Bangladesh; the UN's figure is about 740,000. Médecins Sans Frontières estimated that at least 6,700 Rohingya, including 730 children under five, were killed in the first month alone. Most refugees live in camps around Cox's Bazar, which together with earlier arrivals hold close to a million people.",
    "zh-Hans": "2017年8月，缅甸军方在若开邦北部发动“清剿行动”后，70多万罗兴亚人逃往孟加拉国，联合国的数字约为74万。无国界医生估计，仅第一个月就至少有6700名罗兴亚人被杀，其中包括730名五岁以下儿童。大多数难民住在科克斯巴扎尔周边的难民营中，加上此前到达的人，那里容纳了近百万人。",
    "zh-Hant": "2017年8月，緬甸軍方在若開邦北部發動「清剿行動」後，70多萬羅興亞人逃往孟加拉國，聯合國的數字約為74萬。無國界醫生估計，僅第一個月就至少有6700名羅興亞人被殺，其中包括730名五歲以下兒童。大多數難民住在科克斯巴扎爾周邊的難民營中，加上此前到達的人，那裡容納了近百萬人。"
  },
  "minority-treatment-abroad.rohingya-un-report": {
    "en": "The Independent International Fact-Finding Mission on Myanmar reported in August and September 2018 that the Tatmadaw's operations in Rakhine State involved killings, mass rape and the burning of villages amounting to crimes against humanity and war crimes, and that there was enough evidence of genocidal intent to warrant investigation. It named six senior generals, including the commander-in-chief Min Aung Hlaing, and called for them to be investigated and prosecuted before an international court. In 2019 The Gambia brought a genocide case against Myanmar at the International Court of Justice.",
    "zh-Hans": "联合国缅甸问题独立国际实况调查团在2018年8月和9月的报告中认定，缅甸军方在若开邦的行动包括杀戮、大规模强奸和焚烧村庄，构成危害人类罪和战争罪，并有足够证据表明存在种族灭绝意图、应予调查。报告点名包括总司令敏昂莱在内的六名高级将领，呼吁由国际法庭对他们进行调查和起诉。2019年，冈比亚在国际法院就种族灭绝问题起诉缅甸。",
    "zh-Hant": "聯合國緬甸問題獨立國際實況調查團在2018年8月和9月的報告中認定，緬甸軍方在若開邦的行動包括殺戮、大規模強姦和焚燒村莊，構成危害人類罪和戰爭罪，並有足夠證據表明存在種族滅絕意圖、應予調查。報告點名包括總司令敏昂萊在內的六名高級將領，呼籲由國際法庭對他們進行調查和起訴。2019年，甘比亞在國際法院就種族滅絕問題起訴緬甸。"
  },
  "tibet-dalai-lama.exile-1959": {
    "en": "In March 1959, amid growing resistance to Chinese rule, crowds in Lhasa surrounded the Norbulingka palace because they feared the Dalai Lama would be detained by the Chinese authorities, and the standoff turned into an uprising. On 17 March the 14th Dalai Lama, Tenzin Gyatso, left in disguise, and Chinese troops then shelled the Norbulingka and put down the uprising. He reached India at the end of March and was granted asylum; since 1960 he has lived in exile in Dharamsala, where the Tibetan government-in-exile is based.",
    "zh-Hans": "1959年3月，因担心达赖喇嘛被中国当局扣留，拉萨民众包围了罗布林卡，对峙演变为起义。3月17日，第十四世达赖喇嘛丹增嘉措乔装出走，随后解放军炮击罗布林卡并平息了起义。他于3月底抵达印度并获得庇护，1960年起一直在达兰萨拉流亡，西藏流亡政府也设在那里。",
    "zh-Hant": "1959年3月，因擔心達賴喇嘛被中國當局扣留，拉薩民眾包圍了羅布林卡，對峙演變為起義。3月17日，第十四世達賴喇嘛丹增嘉措喬裝出走，隨後解放軍炮擊羅布林卡並平息了起義。他於3月底抵達印度並獲得庇護，1960年起一直在達蘭薩拉流亡，西藏流亡政府也設在那裡。"
  },
  "tibet-dalai-lama.panchen-lama": {
    "en": "On 14 May 1995 the Dalai Lama recognised six-year-old Gedhun Choekyi Nyima as the 11th Panchen Lama. Within days Chinese authorities took the boy and his family into custody, and he has not been seen in public since; rights groups call him one of the world's youngest political prisoners and describe an enforced disappearance. Chadrel Rinpoche, the abbot who led the search, was imprisoned, and in November 1995 the government used a Golden Urn ceremony to select Gyaltsen Norbu as its own Panchen Lama. Beijing says Gedhun Choekyi Nyima lives a normal private life, but his whereabouts have never been independently confirmed.",
    "zh-Hans": "1995年5月14日，达赖喇嘛认定6岁的根敦确吉尼玛为第十一世班禅喇嘛。几天后，中国当局将这名男孩及其家人带走羁押，此后他再未公开露面，人权组织称之为强迫失踪。主持寻访的扎什伦布寺住持恰扎仁波切被判入狱；同年11月，政府通过金瓶掣签选定坚赞诺布为其认可的班禅喇嘛。北京称根敦确吉尼玛过着普通人的生活，但他至今下落不明，从未得到独立核实。",
    "zh-Hant": "1995年5月14日，達賴喇嘛認定6歲的根敦確吉尼瑪為第十一世班禪喇嘛。幾天後，中國當局將這名男孩及其家人帶走羈押，此後他再未公開露面，人權組織稱之為強迫失蹤。主持尋訪的扎什倫布寺住持恰扎仁波切被判入獄；同年11月，政府通過金瓶掣籤選定堅贊諾布為其認可的班禪喇嘛。北京稱根敦確吉尼瑪過著普通人的生活，但他至今下落不明，從未得到獨立核實。"
  },
  "tibet-dalai-lama.policy-criticism": {
    "en": "Critics, including UN experts and human rights groups, point to limits on religious freedom: state control over monasteries and nunneries, 'patriotic education' campaigns, and the claim that the state must approve the reincarnation of lamas, including the next Dalai Lama. They also cite a state boarding school system that holds around a million Tibetan children and reduces teaching in the Tibetan language, pervasive surveillance, and economic policies seen as favouring Han Chinese migrants. Since 2009 more than 150 Tibetans have set themselves on fire in protest, and the self-immolations were followed by tighter security.",
    "zh-Hans": "包括联合国专家和人权组织在内的批评者指出，当局限制宗教自由：国家管控寺院，开展“爱国主义教育”运动，并主张活佛转世（包括下一任达赖喇嘛）须经政府批准。他们还批评寄宿学校体系收纳了约100万藏族儿童并减少藏语教学，以及无处不在的监控和被认为有利于汉族移民的经济政策。2009年以来，已有150多名藏人以自焚方式抗议，此后安保进一步收紧。",
    "zh-Hant": "包括聯合國專家和人權組織在內的批評者指出，當局限制宗教自由：國家管控寺院，開展「愛國主義教育」運動，並主張活佛轉世（包括下一任達賴喇嘛）須經政府批准。他們還批評寄宿學校體系收納了約100萬藏族兒童並減少藏語教學，以及無處不在的監控和被認為有利於漢族移民的經濟政策。2009年以來，已有150多名藏人以自焚方式抗議，此後安保進一步收緊。"
  },
  "contested-regions-abroad.polisario-exile": {
    "en": "When Spain withdrew from Western Sahara in 1975–76 under the Madrid Accords, it handed the territory to Morocco and Mauritania instead of holding the promised referendum. Morocco's Green March in November 1975 and the arrival of Moroccan and Mauritanian forces led the Polisario Front and tens of thousands of Sahrawi civilians to flee. In February 1976 Polisario proclaimed the Sahrawi Arab Democratic Republic, and its leadership has been based ever since in refugee camps near Tindouf in Algeria, its main backer.",
    "zh-Hans": "1975至1976年，西班牙根据《马德里协议》撤出西撒哈拉，把这片领土交给摩洛哥和毛里塔尼亚，而没有举行承诺过的公投。1975年11月摩洛哥发起“绿色进军”，摩、毛两国军队随后进入，波利萨里奥阵线和数万撒哈拉平民被迫出逃。1976年2月，波利萨里奥阵线宣布成立撒哈拉阿拉伯民主共和国，此后其领导层一直设在阿尔及利亚廷杜夫附近的难民营，阿尔及利亚是它的主要支持者。",
    "zh-Hant": "1975至1976年，西班牙根據《馬德里協議》撤出西撒哈拉，把這片領土交給摩洛哥和茅利塔尼亞，而沒有舉行承諾過的公投。1975年11月摩洛哥發起「綠色進軍」，摩、毛兩國軍隊隨後進入，波利薩里奧陣線和數萬撒哈拉平民被迫出逃。1976年2月，波利薩里奧陣線宣布成立撒哈拉阿拉伯民主共和國，此後其領導層一直設在阿爾及利亞廷杜夫附近的難民營，阿爾及利亞是它的主要支持者。"
  },
  "contested-regions-abroad.maskhadov": {
    "en": "Aslan Maskhadov was a former Soviet army colonel who became chief of staff of the Chechen separatist forces and negotiated the 1996 Khasavyurt agreement that ended the First Chechen War. He was elected president of the Chechen Republic of Ichkeria in January 1997. After the Second Chechen War began in 1999 he led the resistance from hiding, and on 8 March 2005 he was killed in an FSB special operation in the village of Tolstoy-Yurt.",
    "zh-Hans": "阿斯兰·马斯哈多夫曾是苏联陆军上校，后任车臣分离武装的总参谋长，并谈判达成了1996年结束第一次车臣战争的《哈萨维尤尔特协议》。1997年1月，他当选车臣伊奇克里亚共和国总统。1999年第二次车臣战争爆发后，他转入地下领导抵抗，2005年3月8日在托尔斯泰-尤尔特村的俄罗斯联邦安全局特种行动中被击毙身亡。",
    "zh-Hant": "阿斯蘭·馬斯哈多夫曾是蘇聯陸軍上校，後任車臣分離武裝的總參謀長，並談判達成了1996年結束第一次車臣戰爭的《哈薩維尤爾特協議》。1997年1月，他當選車臣伊奇克里亞共和國總統。1999年第二次車臣戰爭爆發後，他轉入地下領導抵抗，2005年3月8日在托爾斯泰-尤爾特村的俄羅斯聯邦安全局特種行動中被擊斃身亡。"
  },
  "contested-regions-abroad.chechnya-criticism": {
    "en": "Human rights groups criticise abuses during the two wars, including the destruction of Grozny and the filtration camps, and under Ramzan Kadyrov, who has ruled Chechnya with Moscow's backing since 2007. They document enforced disappearances, torture and extrajudicial killings, and collective punishment such as burning the homes of relatives of suspected insurgents. Natalia Estemirova of the rights group Memorial, who investigated these abuses, was abducted and murdered in 2009, and since 2017 there have been reports of LGBT people being detained and tortured.",
    "zh-Hans": "人权组织批评两次战争期间的侵权行为，包括摧毁格罗兹尼和设立“过滤营”，也批评自2007年起在莫斯科支持下统治车臣的拉姆赞·卡德罗夫。他们记录了强迫失踪、酷刑和法外处决，以及烧毁疑似武装分子亲属房屋等集体惩罚。调查这些侵权行为的“纪念”人权组织成员娜塔莉亚·埃斯捷米罗娃于2009年遭绑架杀害；2017年以来，不断有同性恋者被拘押和施以酷刑的报道。",
    "zh-Hant": "人權組織批評兩次戰爭期間的侵權行為，包括摧毀格羅茲尼和設立「過濾營」，也批評自2007年起在莫斯科支持下統治車臣的拉姆贊·卡德羅夫。他們記錄了強迫失蹤、酷刑和法外處決，以及燒毀疑似武裝分子親屬房屋等集體懲罰。調查這些侵權行為的「紀念」人權組織成員娜塔莉亞·埃斯捷米羅娃於2009年遭綁架殺害；2017年以來，不斷有同性戀者被拘押和施以酷刑的報導。"
  },
  "hong-kong-2019.origins": {
    "en": "The protests began in June 2019 against a bill from Chief Executive Carrie Lam's government that would have allowed extradition to mainland China; organisers said about one million people marched on 9 June and about two million on 16 June. After police used tear gas and rubber bullets outside the Legislative Council on 12 June, the movement widened into 'five demands', including full withdrawal of the bill, an independent inquiry into police conduct and universal suffrage. An attack on passengers by men in white at Yuen Long station on 21 July deepened distrust of the police. The bill was withdrawn in September, but the protests went on into 2020.",
    "zh-Hans": "2019年6月，抗议活动因林郑月娥政府提出的《逃犯条例》修例而起，该修例将允许向中国内地移交逃犯；主办方称6月9日约有百万人游行，6月16日约200万人。6月12日警方在立法会外使用催泪弹和橡皮子弹后，运动扩大为“五大诉求”，包括完全撤回修例、成立独立调查委员会调查警方执法以及实行双普选。7月21日白衣人在元朗站袭击乘客，加深了市民对警方的不信任。修例于9月被正式撤回，但抗议持续到2020年。",
    "zh-Hant": "2019年6月，抗議活動因林鄭月娥政府提出的《逃犯條例》修例而起，該修例將允許向中國內地移交逃犯；主辦方稱6月9日約有百萬人遊行，6月16日約200萬人。6月12日警方在立法會外使用催淚彈和橡皮子彈後，運動擴大為「五大訴求」，包括完全撤回修例、成立獨立調查委員會調查警方執法以及實行雙普選。7月21日白衣人在元朗站襲擊乘客，加深了市民對警方的不信任。修例於9月被正式撤回，但抗議持續到2020年。"
  },
  "hong-kong-2019.aftermath": {
    "en": "After the National Security Law took effect on 30 June 2020, most prominent activists and opposition politicians were arrested, jailed or went into exile. In January 2021 police arrested 53 people over an unofficial opposition primary election, and 47 were charged with conspiracy to commit subversion; 45 were convicted in 2024, with Benny Tai sentenced to 10 years and Joshua Wong to more than four. Jimmy Lai, founder of the Apple Daily newspaper, was arrested in 2020, the paper closed in June 2021, and he was put on trial for collusion with foreign forces. Activists who left, such as Nathan Law, are wanted under arrest warrants with bounties of HK$1 million each.",
    "zh-Hans": "2020年6月30日《国家安全法》生效后，大多数知名社运人士和反对派政治人物被捕、入狱或流亡海外。2021年1月，警方因民主派初选拘捕53人，其中47人被控“串谋颠覆国家政权罪”；2024年45人被定罪，戴耀廷被判10年，黄之锋被判4年多。《苹果日报》创办人黎智英于2020年被捕，报纸于2021年6月停刊，他被控勾结外国势力并受审。罗冠聪等流亡海外的社运人士遭到通缉，警方对每人悬赏100万港元。",
    "zh-Hant": "2020年6月30日《國家安全法》生效後，大多數知名社運人士和反對派政治人物被捕、入獄或流亡海外。2021年1月，警方因民主派初選拘捕53人，其中47人被控「串謀顛覆國家政權罪」；2024年45人被定罪，戴耀廷被判10年，黃之鋒被判4年多。《蘋果日報》創辦人黎智英於2020年被捕，報紙於2021年6月停刊，他被控勾結外國勢力並受審。羅冠聰等流亡海外的社運人士遭到通緝，警方對每人懸賞100萬港元。"
  },
  "hong-kong-2019.nsl-criticism": {
    "en": "The law, enacted by the Standing Committee of China's National People's Congress on 30 June 2020 without public consultation in Hong Kong, creates four offences (secession, subversion, terrorism and collusion with foreign forces) punishable by up to life imprisonment. Critics, including UN human rights experts, say the offences are vague enough to cover peaceful speech and protest, that the law lets mainland security agencies operate in the city and allows some trials without a jury, and that it claims extraterritorial reach over anyone, anywhere. Many argue it ended the high degree of autonomy promised under 'one country, two systems' until 2047.",
    "zh-Hans": "这部法律由全国人大常委会于2020年6月30日直接制定，在香港未经公众咨询，设立了分裂国家、颠覆国家政权、恐怖活动和勾结外国势力四类罪行，最高可判终身监禁。包括联合国人权专家在内的批评者认为，这些罪名定义模糊，足以涵盖和平表达和抗议；法律允许内地安全机构在港运作，部分案件可不设陪审团审理，并声称具有适用于任何地方任何人的域外效力。许多人认为，它终结了“一国两制”下承诺维持到2047年的高度自治。",
    "zh-Hant": "這部法律由全國人大常委會於2020年6月30日直接制定，在香港未經公眾諮詢，設立了分裂國家、顛覆國家政權、恐怖活動和勾結外國勢力四類罪行，最高可判終身監禁。包括聯合國人權專家在內的批評者認為，這些罪名定義模糊，足以涵蓋和平表達和抗議；法律允許內地安全機構在港運作，部分案件可不設陪審團審理，並聲稱具有適用於任何地方任何人的域外效力。許多人認為，它終結了「一國兩制」下承諾維持到2047年的高度自治。"
  },
  "protest-movements-abroad.belarus-2020": {
    "en": "The protests began on the night of 9 August 2020, when official results gave Alexander Lukashenko, in power since 1994, about 80% of the vote in a presidential election that the opposition and Western governments said was marked by fraud. Sviatlana Tsikhanouskaya (also spelled Tikhanovskaya), who ran after her husband and other candidates were jailed or barred, claimed victory and was forced to leave for Lithuania. Police detained thousands in the first days and beat many of them, and the weekly marches in Minsk drew crowds estimated at 200,000 or more.",
    "zh-Hans": "抗议始于2020年8月9日夜间：官方公布的总统大选结果显示，自1994年起执政的卢卡申科得票约80%，反对派和西方国家政府认为这次选举存在严重舞弊。在丈夫和其他候选人被捕或被取消资格后参选的季哈诺夫斯卡娅宣布自己获胜，随后被迫前往立陶宛。最初几天警方拘留了数千人，许多人遭到殴打；此后明斯克每周举行的游行估计多达20万人以上。",
    "zh-Hant": "抗議始於2020年8月9日夜間：官方公布的總統大選結果顯示，自1994年起執政的盧卡申科得票約80%，反對派和西方國家政府認為這次選舉存在嚴重舞弊。在丈夫和其他候選人被捕或被取消資格後參選的季哈諾夫斯卡婭宣布自己獲勝，隨後被迫前往立陶宛。最初幾天警方拘留了數千人，許多人遭到毆打；此後明斯克每周舉行的遊行估計多達20萬人以上。"
  },
  "protest-movements-abroad.belarus-aftermath": {
    "en": "Almost every opposition leader was arrested or forced into exile. Maria Kolesnikova tore up her passport at the Ukrainian border to avoid expulsion and was sentenced to 11 years, and Viktar Babaryka, the former banker barred from running, received 14 years; Sviatlana Tsikhanouskaya leads the opposition from exile in Lithuania. More than 35,000 people were detained in the crackdown, the rights centre Viasna has counted well over a thousand political prisoners, and its founder Ales Bialiatski, who shared the 2022 Nobel Peace Prize, was sentenced to 10 years in 2023.",
    "zh-Hans": "几乎所有反对派领导人都遭到逮捕或被迫流亡。为避免被驱逐出境，科列斯尼科娃在乌克兰边境撕毁护照，后被判处11年徒刑；被禁止参选的前银行家巴巴里科被判14年；季哈诺夫斯卡娅在立陶宛流亡，领导反对派。卢卡申科政府在镇压中拘押了3.5万多人，人权中心“春天”统计的政治犯超过一千人，其创始人、2022年诺贝尔和平奖得主比亚利亚茨基于2023年被判10年。",
    "zh-Hant": "幾乎所有反對派領導人都遭到逮捕或被迫流亡。為避免被驅逐出境，科列斯尼科娃在烏克蘭邊境撕毀護照，後被判處11年徒刑；被禁止參選的前銀行家巴巴里科被判14年；季哈諾夫斯卡婭在立陶宛流亡，領導反對派。盧卡申科政府在鎮壓中拘押了3.5萬多人，人權中心「春天」統計的政治犯超過一千人，其創始人、2022年諾貝爾和平獎得主比亞利亞茨基於2023年被判10年。"
  },
  "protest-movements-abroad.thailand-lese-majeste": {
    "en": "Section 112 of Thailand's Criminal Code makes defaming, insulting or threatening the king, queen, heir or regent punishable by three to 15 years in prison per count. Critics say the law is vague, that anyone can file a complaint, and that it is used to silence debate about the monarchy; sentences can add up to decades, as in a 2021 case of 43 years. Since the youth-led protest movement of 2020 called for reform of the monarchy, more than 270 people have been charged, among them the human rights lawyer Arnon Nampa, who has received several prison sentences.",
    "zh-Hans": "泰国《刑法》第112条规定，诽谤、侮辱或威胁国王、王后、王储或摄政者，每项罪名可判处3至15年监禁。批评者认为，该条款措辞模糊，任何人都可以提出控告，常被用来压制有关王室的讨论；刑期可以累加到数十年，例如2021年有人被判43年。自2020年青年主导的抗议运动要求改革君主制以来，已有270多人被起诉，其中包括人权律师阿侬·南帕，他已被多次判刑。",
    "zh-Hant": "泰國《刑法》第112條規定，誹謗、侮辱或威脅國王、王后、王儲或攝政者，每項罪名可判處3至15年監禁。批評者認為，該條款措辭模糊，任何人都可以提出控告，常被用來壓制有關王室的討論；刑期可以累加到數十年，例如2021年有人被判43年。自2020年青年主導的抗議運動要求改革君主制以來，已有270多人被起訴，其中包括人權律師阿儂·南帕，他已被多次判刑。"
  }
};
