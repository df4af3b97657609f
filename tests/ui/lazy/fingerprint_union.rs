use lazy::Fingerprint;

#[derive(Clone, Copy, Fingerprint)]
union Bits {
    int: u32,
    float: f32,
}

fn main() {}
