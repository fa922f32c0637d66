//! The interface's catalogues: each Chinese file has exactly the compiled-in messages, each
//! with a text in its own script that keeps the English placeholders; and the words core
//! works out for the views (run bar, verdict names, topics) follow the chosen language.

mod common;
use std::collections::BTreeMap;

use candor::core::i18n::{self, placeholders, tr, Catalogue, Msg, UiLang, ENGLISH, KEYS};
use candor::core::progress::run_line;
use candor::core::verdict::Label;

const HANS: &str = include_str!("../static/i18n/zh-Hans.json");
const HANT: &str = include_str!("../static/i18n/zh-Hant.json");

/// Messages whose text may be written without Chinese characters in every language.
const NO_CHINESE_NEEDED: [&str; 2] = ["OfTotal", "Tokens"];

/// Characters written only in Simplified Chinese, and their Traditional forms: a catalogue
/// in one script must hold none of the other's.
const SIMPLIFIED_ONLY: &str = "这们个设网络数据时间为关语说请错误载选择运结务导开显应发录该无图览页问题话对复断还进过实际长点钥键节态类执";
const TRADITIONAL_ONLY: &str = "這們個設網絡數據時間為關語說請錯誤載選擇運結務導開顯應發錄該無圖覽頁問題話對復斷還進過實際長點鑰鍵節態類執";

/// Mainland words that Taiwan and Hong Kong say otherwise (設定, 網路, 預設, 資料, 伺服器,
/// 載入, 資訊, 檔案, 開啟), which a Traditional catalogue must not use.
const MAINLAND_TERMS: [&str; 9] = ["設置", "網絡", "默認", "數據", "服務器", "加載", "信息", "文件", "打開"];

fn entries(json: &str) -> BTreeMap<String, String> {
    serde_json::from_str(json).expect("a catalogue is one JSON object of strings")
}

fn check(name: &str, json: &str, other_script: &str) {
    let map = entries(json);
    let missing: Vec<&&str> = KEYS.iter().filter(|k| !map.contains_key(**k)).collect();
    assert!(missing.is_empty(), "{name}: no text for {missing:?}");
    let extra: Vec<&String> = map.keys().filter(|k| !KEYS.contains(&k.as_str())).collect();
    assert!(extra.is_empty(), "{name}: keys that are no message: {extra:?}");
    for (key, english) in KEYS.iter().zip(ENGLISH) {
        let text = &map[*key];
        assert!(!text.trim().is_empty(), "{name}: {key} is empty");
        assert_eq!(placeholders(text), placeholders(english), "{name}: {key} changes the placeholders");
        let chinese = text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        assert!(chinese || NO_CHINESE_NEEDED.contains(key), "{name}: {key} is not translated: {text:?}");
        let wrong: Vec<char> = text.chars().filter(|c| other_script.contains(*c)).collect();
        assert!(wrong.is_empty(), "{name}: {key} has characters of the other script {wrong:?}: {text:?}");
    }
}

#[test]
fn simplified_chinese_has_every_message_in_simplified_characters() {
    check("zh-Hans", HANS, TRADITIONAL_ONLY);
}

#[test]
fn traditional_chinese_has_every_message_in_traditional_characters_and_words() {
    check("zh-Hant", HANT, SIMPLIFIED_ONLY);
    for (key, text) in entries(HANT) {
        for term in MAINLAND_TERMS {
            assert!(!text.contains(term), "zh-Hant: {key} says {term}: {text:?}");
        }
    }
}

#[test]
fn the_two_chinese_catalogues_differ_where_the_scripts_do() {
    let (hans, hant) = (entries(HANS), entries(HANT));
    assert_ne!(hans["Settings"], hant["Settings"]);
    assert_eq!((hans["Settings"].as_str(), hant["Settings"].as_str()), ("设置", "設定"));
    assert_eq!((hans["File"].as_str(), hant["File"].as_str()), ("文件", "檔案"));
}

#[test]
fn core_words_follow_the_chosen_language() {
    let run = common::run("r", 4, 1);
    assert_eq!(run_line(&run, 0.0).done, "0 / 4 done");
    assert_eq!(Label::Refused.title(), "Refused");

    // Read back, every message has its file's text.
    let catalogue = Catalogue::from_json(HANT).unwrap();
    let hant = entries(HANT);
    for &msg in Msg::ALL {
        assert_eq!(catalogue.get(msg), hant[msg.key()], "{}", msg.key());
    }

    i18n::install(UiLang::ZhHant, Catalogue::from_json(HANT).unwrap());
    assert!(i18n::select(UiLang::ZhHant));
    let line = run_line(&run, 0.0);
    assert_eq!((line.done.as_str(), line.tail.as_str()), ("已完成 0 / 4", " · 正在估算剩餘時間…"));
    assert_eq!((Label::Refused.title(), tr(Msg::Settings)), ("拒絕", "設定"));

    i18n::install(UiLang::ZhHans, Catalogue::from_json(HANS).unwrap());
    assert!(i18n::select(UiLang::ZhHans));
    assert_eq!((Label::Refused.title(), tr(Msg::Settings)), ("拒绝", "设置"));

    assert!(i18n::select(UiLang::En));
    assert_eq!(run_line(&run, 0.0).done, "0 / 4 done");
}
