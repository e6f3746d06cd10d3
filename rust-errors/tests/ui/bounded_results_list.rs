// threads/bounded, Python style: every thread pushes into one results list.
use std::thread;

pub fn check_all(servers: Vec<String>) -> Vec<String> {
    let mut results = Vec::new();
    thread::scope(|scope| {
        for server in servers {
            scope.spawn(move || results.push(format!("{server} up")));
        }
    });
    results
}

fn main() {
    println!("{:?}", check_all(vec!["web-1".to_string(), "web-2".to_string()]));
}
