//! A tiny deterministic mixer (SplitMix64): varied but reproducible field values
//! without a random-number dependency.

/// SplitMix64 of `seed`: a well-spread 64-bit value.
pub(crate) fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// An element of `items`, picked by `seed`.
pub(crate) fn pick<T>(items: &[T], seed: u64) -> &T {
    // Slices here are short: the modulo bias is irrelevant.
    &items[(mix(seed) % items.len() as u64) as usize]
}

/// `len` lowercase base-36 characters derived from `seed`, like the ids services mint.
pub(crate) fn id(seed: u64, len: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    (0..len as u64)
        .map(|i| char::from(*pick(ALPHABET, seed.wrapping_mul(31).wrapping_add(i))))
        .collect()
}
