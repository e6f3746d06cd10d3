// threads/race: the guard is bound without `mut`, then changed.
use std::sync::Mutex;

struct TaskList {
    tasks: Mutex<Vec<String>>,
}

impl TaskList {
    fn take_next(&self) -> Option<String> {
        let tasks = self.tasks.lock().unwrap();
        if tasks.is_empty() { None } else { Some(tasks.remove(0)) }
    }
}

fn main() {
    let list = TaskList { tasks: Mutex::new(vec!["deploy".to_string()]) };
    println!("{:?}", list.take_next());
}
