// files/json: `?` cannot turn a library's error into yours without a `From`
// impl; `map_err` converts it on the spot.
#[derive(Debug)]
enum FormatError {
    Parse { message: String },
}

fn to_json(yaml: &str) -> Result<String, FormatError> {
    let value: serde_json::Value = serde_json::from_str(yaml)?;
    Ok(value.to_string())
}

fn main() {
    let _ = FormatError::Parse { message: String::new() };
    println!("{:?}", to_json("{}"));
}
