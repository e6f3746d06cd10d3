// fleet/checks: `Check: Send + Sync + fmt::Debug` asks every check for all
// three.
use std::fmt;
use std::time::Duration;

trait Check: Send + Sync + fmt::Debug {
    fn run(&self, timeout: Duration) -> Result<(), String>;
}

struct TcpCheck {
    address: String,
    port: u16,
}

impl Check for TcpCheck {
    fn run(&self, _timeout: Duration) -> Result<(), String> {
        Err(format!("{}:{} refused", self.address, self.port))
    }
}

fn main() {
    let check: Box<dyn Check> = Box::new(TcpCheck { address: "web-1".into(), port: 22 });
    println!("{:?}", check.run(Duration::from_secs(1)));
}
