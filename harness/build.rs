//! rust-i18n reads `locales/*.yml` inside a macro, which cargo does not
//! track: rebuild when a message changes.

fn main() {
    println!("cargo:rerun-if-changed=locales");
}
