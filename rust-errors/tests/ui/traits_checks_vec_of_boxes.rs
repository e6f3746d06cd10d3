// traits/checks: a list of different checks needs its type written down.
trait Check {
    fn name(&self) -> String;
}

struct HasService;
struct ExposesPort;

impl Check for HasService {
    fn name(&self) -> String {
        "has service ssh".to_string()
    }
}

impl Check for ExposesPort {
    fn name(&self) -> String {
        "exposes 22/tcp".to_string()
    }
}

fn main() {
    let checks = vec![Box::new(HasService), Box::new(ExposesPort)];
    for check in &checks {
        println!("{}", check.name());
    }
}
