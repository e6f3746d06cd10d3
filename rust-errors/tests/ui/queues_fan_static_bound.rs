// queues/fan: `thread::spawn` wants `'static`; the given signature has no
// such bound on `F`.
use std::thread;

fn fan_out<J, R, F>(jobs: Vec<J>, work: F) -> Vec<R>
where
    J: Send,
    R: Send,
    F: Fn(usize, J) -> R + Sync,
{
    let work = &work;
    let handles: Vec<_> = jobs
        .into_iter()
        .enumerate()
        .map(|(i, job)| thread::spawn(move || work(i, job)))
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

fn main() {
    println!("{:?}", fan_out(vec![1, 2, 3], |_, job| job * 2));
}
