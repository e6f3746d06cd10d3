// fleet/status_page: what a read guard points at stays in the lock.
use std::sync::{Arc, RwLock};

#[derive(Clone, Debug)]
struct Report {
    up: usize,
}

struct State(Arc<RwLock<Option<Report>>>);

impl State {
    fn latest(&self) -> Option<Report> {
        *self.0.read().unwrap()
    }
}

fn main() {
    let state = State(Arc::new(RwLock::new(Some(Report { up: 3 }))));
    println!("{:?}", state.latest());
}
