//! A small JSON text builder for generated JSONB values: writes straight into a `String`, with no
//! intermediate `serde_json::Value` tree (generation is on the hot path of a million-row load).

use std::fmt::Write as _;

/// Entry points: [`JsonBuf::object`], [`JsonBuf::array`] and [`JsonBuf::strings`] return JSON text.
pub struct JsonBuf;

impl JsonBuf {
    /// A JSON object built by `f`.
    pub fn object(f: impl FnOnce(&mut Obj<'_>)) -> String {
        let mut s = String::with_capacity(128);
        write_object(&mut s, f);
        s
    }

    /// A JSON array built by `f`.
    pub fn array(f: impl FnOnce(&mut Arr<'_>)) -> String {
        let mut s = String::with_capacity(64);
        write_array(&mut s, f);
        s
    }

    /// A JSON array of strings.
    pub fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
        Self::array(|a| {
            for i in items {
                a.str(i.as_ref());
            }
        })
    }
}

fn write_object(s: &mut String, f: impl FnOnce(&mut Obj<'_>)) {
    s.push('{');
    f(&mut Obj { s, first: true });
    s.push('}');
}

fn write_array(s: &mut String, f: impl FnOnce(&mut Arr<'_>)) {
    s.push('[');
    f(&mut Arr { s, first: true });
    s.push(']');
}

/// Append `v` as a JSON string literal. Copies runs of plain bytes at once: every byte that needs
/// escaping is ASCII, so a run never splits a UTF-8 character (this is the generator's hot spot).
pub fn push_str_lit(s: &mut String, v: &str) {
    s.reserve(v.len() + 2);
    s.push('"');
    let mut start = 0;
    for (i, b) in v.bytes().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        s.push_str(&v[start..i]);
        if esc.is_empty() {
            let _ = write!(s, "\\u{b:04x}");
        } else {
            s.push_str(esc);
        }
        start = i + 1;
    }
    s.push_str(&v[start..]);
    s.push('"');
}

fn push_num(s: &mut String, v: f64) {
    if v.is_finite() {
        let _ = write!(s, "{v}");
    } else {
        s.push_str("null");
    }
}

/// The members of an object being built.
pub struct Obj<'a> {
    s: &'a mut String,
    first: bool,
}

impl Obj<'_> {
    fn key(&mut self, k: &str) -> &mut String {
        if !self.first {
            self.s.push(',');
        }
        self.first = false;
        push_str_lit(self.s, k);
        self.s.push(':');
        self.s
    }

    pub fn str(&mut self, k: &str, v: &str) -> &mut Self {
        let s = self.key(k);
        push_str_lit(s, v);
        self
    }

    pub fn int(&mut self, k: &str, v: i64) -> &mut Self {
        let s = self.key(k);
        let _ = write!(s, "{v}");
        self
    }

    pub fn num(&mut self, k: &str, v: f64) -> &mut Self {
        let s = self.key(k);
        push_num(s, v);
        self
    }

    pub fn bool(&mut self, k: &str, v: bool) -> &mut Self {
        self.key(k).push_str(if v { "true" } else { "false" });
        self
    }

    /// Already-built JSON text.
    pub fn raw(&mut self, k: &str, json: &str) -> &mut Self {
        self.key(k).push_str(json);
        self
    }

    pub fn strings<S: AsRef<str>>(&mut self, k: &str, items: impl IntoIterator<Item = S>) -> &mut Self {
        let s = self.key(k);
        write_array(s, |a| {
            for i in items {
                a.str(i.as_ref());
            }
        });
        self
    }

    pub fn object(&mut self, k: &str, f: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        let s = self.key(k);
        write_object(s, f);
        self
    }

    pub fn array(&mut self, k: &str, f: impl FnOnce(&mut Arr<'_>)) -> &mut Self {
        let s = self.key(k);
        write_array(s, f);
        self
    }
}

/// The elements of an array being built.
pub struct Arr<'a> {
    s: &'a mut String,
    first: bool,
}

impl Arr<'_> {
    fn next(&mut self) -> &mut String {
        if !self.first {
            self.s.push(',');
        }
        self.first = false;
        self.s
    }

    pub fn str(&mut self, v: &str) -> &mut Self {
        let s = self.next();
        push_str_lit(s, v);
        self
    }

    pub fn int(&mut self, v: i64) -> &mut Self {
        let s = self.next();
        let _ = write!(s, "{v}");
        self
    }

    pub fn object(&mut self, f: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        let s = self.next();
        write_object(s, f);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_get_the_short_escapes() {
        let mut s = String::new();
        push_str_lit(&mut s, "a\"b\\c\nd\re\tf\u{1}g王");
        assert_eq!(s, r#""a\"b\\c\nd\re\tf\u0001g王""#);
    }

    #[test]
    fn builds_valid_json() {
        let j = JsonBuf::object(|o| {
            o.str("name", "王伟 \"quoted\"\n\u{1}")
                .int("n", -3)
                .num("rate", 0.05)
                .num("whole", 10.0)
                .num("nan", f64::NAN)
                .bool("ok", true)
                .strings("tags", ["a", "b"])
                .object("inner", |i| {
                    i.str("x", "y");
                })
                .array("list", |a| {
                    a.int(1).object(|o| {
                        o.bool("z", false);
                    });
                })
                .raw("raw", "[]");
        });
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(v["name"], "王伟 \"quoted\"\n\u{1}");
        assert_eq!(v["rate"], 0.05);
        assert_eq!(v["whole"], 10.0);
        assert!(v["nan"].is_null());
        assert_eq!(v["tags"][1], "b");
        assert_eq!(v["inner"]["x"], "y");
        assert_eq!(v["list"][1]["z"], false);
        assert_eq!(JsonBuf::strings(Vec::<String>::new()), "[]");
        assert_eq!(JsonBuf::object(|_| {}), "{}");
    }
}
