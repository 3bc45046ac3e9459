//! Recovery codes: ten per account, each 80 random bits written as four
//! groups of four base32 letters (`ABCD-EFGH-JKLM-NPQR`), stored as the
//! SHA-256 of the letters alone. What a person types is read the same way,
//! whatever the case, dashes or spaces.

use data_encoding::BASE32_NOPAD;
use sha2::{Digest, Sha256};

pub const COUNT: usize = 10;
const BYTES: usize = 10;

/// New codes, as shown to the person, with their hashes.
pub fn generate() -> (Vec<String>, Vec<Vec<u8>>) {
    (0..COUNT)
        .map(|_| {
            let mut raw = [0u8; BYTES];
            getrandom::fill(&mut raw).expect("the OS random number generator failed");
            let letters = BASE32_NOPAD.encode(&raw);
            let shown = letters
                .as_bytes()
                .chunks(4)
                .map(|c| std::str::from_utf8(c).expect("base32 is ASCII"))
                .collect::<Vec<_>>()
                .join("-");
            (shown, hash(&letters))
        })
        .unzip()
}

/// The hash of what a person typed, read as a recovery code.
pub fn hash_input(typed: &str) -> Vec<u8> {
    let letters: String = typed
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    hash(&letters)
}

fn hash(letters: &str) -> Vec<u8> {
    Sha256::digest(letters.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_however_it_is_typed() {
        let (shown, hashes) = generate();
        assert_eq!(shown.len(), COUNT);
        assert_eq!(shown[0].len(), 19, "{}", shown[0]);
        assert_eq!(hash_input(&shown[0]), hashes[0]);
        let sloppy = shown[0].to_lowercase().replace('-', " ");
        assert_eq!(hash_input(&sloppy), hashes[0]);
        assert_ne!(hash_input(&shown[1]), hashes[0]);
    }
}
