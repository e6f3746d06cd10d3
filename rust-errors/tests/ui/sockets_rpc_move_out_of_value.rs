// sockets/rpc: indexing a `serde_json::Value` gives a place to borrow, not a
// value to take.
use serde_json::{Value, json};

fn method(request: &Value) -> Option<String> {
    match request["method"] {
        Value::String(name) => Some(name),
        _ => None,
    }
}

fn main() {
    println!("{:?}", method(&json!({"jsonrpc": "2.0", "method": "ping", "id": 1})));
}
