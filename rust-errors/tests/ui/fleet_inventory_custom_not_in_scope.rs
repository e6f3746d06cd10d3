// fleet/inventory: a `deserialize_with` function reports its own error with
// `de::Error::custom`, a trait's function.
use serde::{Deserialize, Deserializer};
use std::time::Duration;

#[derive(Deserialize)]
struct Defaults {
    #[serde(deserialize_with = "duration")]
    timeout: Duration,
}

fn duration<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    let text = String::deserialize(deserializer)?;
    match text.strip_suffix("ms").and_then(|ms| ms.parse().ok()) {
        Some(ms) => Ok(Duration::from_millis(ms)),
        None => Err(D::Error::custom(format!("not a duration: {text:?}"))),
    }
}

fn main() {
    let defaults: Defaults = serde_json::from_str(r#"{"timeout": "250ms"}"#).unwrap();
    println!("{:?}", defaults.timeout);
}
