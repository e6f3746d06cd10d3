// processes/parallel: a plain `usize` as the shared "next command" counter.
use std::thread;

fn main() {
    let cmds = ["true", "false", "true"];
    let mut next = 0;
    thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                while next < cmds.len() {
                    println!("running {}", cmds[next]);
                    next += 1;
                }
            });
        }
    });
}
