// fleet/scheduler: a plain `thread::spawn` cannot take a borrowed argument
// along.
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

struct Cancel(Arc<AtomicBool>);

fn run_round(jobs: Vec<String>, cancel: &Cancel) -> Vec<String> {
    let handles: Vec<_> = jobs
        .into_iter()
        .map(|job| {
            thread::spawn(move || {
                if cancel.0.load(Ordering::Relaxed) { format!("{job}: cancelled") } else { job }
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

fn main() {
    let cancel = Cancel(Arc::new(AtomicBool::new(false)));
    println!("{:?}", run_round(vec!["web-1".to_string()], &cancel));
}
