// queues/pipeline: a thread per stage, each taking its stage's closure.
use std::thread;

type Work = Box<dyn Fn(u32) -> u32 + Send + Sync>;

struct Pipeline {
    stages: Vec<Work>,
}

impl Pipeline {
    fn run(self, input: u32) -> Vec<u32> {
        let mut handles = Vec::new();
        for work in &self.stages {
            handles.push(thread::spawn(move || work(input)));
        }
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    }
}

fn main() {
    let pipeline = Pipeline { stages: vec![Box::new(|x| x + 1)] };
    println!("{:?}", pipeline.run(1));
}
