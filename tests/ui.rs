// The compiler's output is pinned for the default features. With `serde`,
// each class also gets Serialize/Deserialize impls, and a class that does
// not compile (a field type that is no slot type) draws the same error once
// more from each of them: the run without the feature checks the rules.
#![cfg(not(feature = "serde"))]

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
