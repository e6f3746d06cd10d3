// sockets/framing: `from_be_bytes` takes an array, not a slice.
fn frame_length(header: &[u8]) -> u32 {
    u32::from_be_bytes(&header[..4])
}

fn main() {
    println!("{}", frame_length(&[0, 0, 0, 5, b'h']));
}
