//! The files a user names, read with a bound: a rule file, a targets file, `.env`, a password
//! file, a certificate or a manifest given by mistake as `/dev/zero`, `/dev/urandom` or a
//! multi-gigabyte dump is refused once it passes a stated size, never read whole (it once took
//! 22 GB before the kernel killed the process).

use std::fmt;
use std::io::{self, Read};
use std::path::Path;

/// The bound of a configuration file (rules, targets, `.env`, `.pgpass`, a client certificate or
/// key): 1 MiB, far above any real one.
pub const CONFIG_LIMIT: u64 = 1 << 20;

/// The bound of a CA bundle (`sslrootcert`: the system's whole bundle is about 200 kB) and of a
/// backup manifest (a line per table and file): 64 MiB.
pub const LARGE_LIMIT: u64 = 64 << 20;

/// A file past its bound, or not text where text was wanted.
#[derive(Debug)]
pub enum TooLarge {
    Size(u64),
    NotText,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TooLarge::Size(limit) if limit % (1 << 20) == 0 => {
                write!(f, "it is larger than {} MiB: is it the right file?", limit >> 20)
            }
            TooLarge::Size(limit) => write!(f, "it is larger than {limit} bytes: is it the right file?"),
            TooLarge::NotText => f.write_str("it is not UTF-8 text: is it the right file?"),
        }
    }
}

impl std::error::Error for TooLarge {}

/// The bytes of `path`, at most `limit` of them: a longer file (or an endless one) is an
/// `InvalidData` error wrapping [`TooLarge`], after reading `limit + 1` bytes at most.
pub fn read_bounded(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let f = std::fs::File::open(path)?;
    let mut buf = Vec::new();
    f.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(io::Error::new(io::ErrorKind::InvalidData, TooLarge::Size(limit)));
    }
    Ok(buf)
}

/// The text of `path`, at most `limit` bytes of UTF-8 (see [`read_bounded`]).
pub fn read_text(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read_bounded(path, limit)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, TooLarge::NotText))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endless_and_binary_files_are_refused_at_the_bound() {
        let e = read_bounded(Path::new("/dev/zero"), 1024).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert_eq!(e.to_string(), "it is larger than 1024 bytes: is it the right file?");
        let e = read_bounded(Path::new("/dev/zero"), CONFIG_LIMIT).unwrap_err();
        assert_eq!(e.to_string(), "it is larger than 1 MiB: is it the right file?");
        let e = read_text(Path::new("/dev/urandom"), CONFIG_LIMIT).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData, "{e}");
        let dir = crate::test_support::TempDir::new("files");
        let exact = dir.file("exact", "abcd");
        assert_eq!(read_text(&exact, 4).unwrap(), "abcd");
        assert!(read_text(&exact, 3).is_err(), "one byte over the bound");
        assert_eq!(read_bounded(&exact, 5).unwrap(), b"abcd");
        let bad = dir.file("bad", "ok");
        std::fs::write(&bad, [0xff, 0xfe]).unwrap();
        assert!(read_text(&bad, 10).unwrap_err().to_string().contains("not UTF-8"));
        assert_eq!(read_text(Path::new("/nonexistent/x"), 10).unwrap_err().kind(), io::ErrorKind::NotFound);
    }
}
