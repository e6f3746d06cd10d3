// threads/pipeline: `?` inside a job's closure, which returns `Ok(…)`.
use std::thread;

fn insert(row: u32) -> Result<u32, String> {
    if row == 3 { Err(format!("duplicate key for user {row}")) } else { Ok(row) }
}

fn main() {
    let job = thread::spawn(move || {
        let id = insert(7)?;
        Ok(format!("mail for user {id}"))
    });
    println!("{:?}", job.join().unwrap());
}
