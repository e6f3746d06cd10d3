// traits/equality: `HashSet::insert` takes the value it keeps.
use std::collections::HashSet;

fn dedup(servers: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut kept = Vec::new();
    for server in servers {
        if seen.insert(server) {
            kept.push(server);
        }
    }
    kept
}

fn main() {
    println!("{:?}", dedup(vec!["web-1".to_string(), "web-1".to_string()]));
}
