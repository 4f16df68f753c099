//! Formatting is idempotent, and the formatted text parses to the same plan.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(once) = commissio::dsl::format(text) else { return };
    let twice = commissio::dsl::format(&once).unwrap_or_default();
    assert_eq!(once, twice, "format is not idempotent");
    let a = commissio::dsl::compile(text).map(|p| serde_json_free(&p)).ok();
    let b = commissio::dsl::compile(&once).map(|p| serde_json_free(&p)).ok();
    assert_eq!(a.is_some(), b.is_some(), "formatting changed whether the plan checks");
});

/// Plans compare by their lowered form with source positions removed.
fn serde_json_free(p: &commissio::Plan) -> String {
    let mut s = format!("{p:?}");
    // Source references differ after formatting; drop them.
    while let Some(i) = s.find("SourceRef {") {
        let Some(j) = s[i..].find('}') else { break };
        s.replace_range(i..i + j + 1, "");
    }
    s
}
