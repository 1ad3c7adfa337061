//! A strict RFC 4180 CSV reader.
//!
//! Written by hand because the common `csv` crate accepts an unterminated quote
//! silently (the rest of the file becomes one field). This reader reports it, with the
//! line where the quote opened, and gives every record the line it starts on.
//!
//! File-level problems (an unterminated quote, text that is not UTF-8, a record over
//! [`MAX_RECORD_BYTES`]) stop the read with a [`CsvFileError`]. Row-level problems (a
//! stray quote) are attached to the record so the caller can reject just that row.

use std::io::BufRead;

/// A record longer than this is refused: it almost always means a missing quote.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFileError {
    /// The file could not be read (an I/O failure), as opposed to bad content.
    pub io: bool,
    pub line: u64,
    /// 1-based field number, when the problem is in one field.
    pub field: Option<usize>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The line the record starts on (1-based; the header is line 1).
    pub line: u64,
    pub fields: Vec<String>,
    /// A problem that makes this row unusable: (1-based field, reason).
    pub problem: Option<(usize, String)>,
}

fn io_error(line: u64, e: std::io::Error) -> CsvFileError {
    CsvFileError {
        io: true,
        line,
        field: None,
        message: format!("could not read the file: {e}"),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

pub struct CsvReader<R> {
    input: R,
    line: u64,
    bytes_read: u64,
    at_start: bool,
    skip_lf: bool,
    eof: bool,
}

/// UTF-16 without a byte-order mark: text of mostly ASCII characters has a NUL in every
/// other byte. UTF-8 text never holds NUL, so a few of them at the start settle it
/// (rather than a NUL in every row's reason).
fn looks_like_utf16(start: &[u8]) -> bool {
    let head = &start[..start.len().min(512)];
    head.len() >= 4 && head.iter().filter(|b| **b == 0).count() * 4 >= head.len()
}

impl<R: BufRead> CsvReader<R> {
    pub fn new(input: R) -> Self {
        CsvReader {
            input,
            line: 1,
            bytes_read: 0,
            at_start: true,
            skip_lf: false,
            eof: false,
        }
    }

    /// Bytes consumed so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    fn check_bom(&mut self) -> Result<(), CsvFileError> {
        self.at_start = false;
        let buf = self.input.fill_buf().map_err(|e| io_error(1, e))?;
        if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
            self.input.consume(3);
            self.bytes_read += 3;
        } else if buf.starts_with(&[0xFF, 0xFE])
            || buf.starts_with(&[0xFE, 0xFF])
            || looks_like_utf16(buf)
        {
            return Err(CsvFileError {
                io: false,
                line: 1,
                field: None,
                message: "the file is UTF-16 text; save it as UTF-8 (CSV UTF-8 in Excel)".into(),
            });
        }
        Ok(())
    }

    /// The next non-blank record, or `None` at the end of the input.
    pub fn next_record(&mut self) -> Result<Option<Record>, CsvFileError> {
        if self.at_start {
            self.check_bom()?;
        }
        loop {
            let Some(rec) = self.read_raw()? else {
                return Ok(None);
            };
            // A blank line is not a row.
            if rec.fields.len() == 1 && rec.fields[0].is_empty() && rec.problem.is_none() {
                continue;
            }
            return Ok(Some(rec));
        }
    }

    fn read_raw(&mut self) -> Result<Option<Record>, CsvFileError> {
        if self.eof {
            return Ok(None);
        }
        let start_line = self.line;
        let mut fields: Vec<Vec<u8>> = Vec::new();
        let mut field: Vec<u8> = Vec::new();
        let mut state = State::FieldStart;
        let mut quote_line = start_line;
        let mut problem: Option<(usize, String)> = None;
        let mut record_bytes = 0usize;
        let mut any = false;

        'outer: loop {
            let buf = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_error(self.line, e)),
            };
            if buf.is_empty() {
                self.eof = true;
                break;
            }
            let mut i = 0;
            let mut end_of_record = false;
            while i < buf.len() {
                let b = buf[i];
                i += 1;
                if self.skip_lf {
                    self.skip_lf = false;
                    if b == b'\n' {
                        continue;
                    }
                }
                any = true;
                match state {
                    State::FieldStart | State::Unquoted => match b {
                        b',' => {
                            fields.push(std::mem::take(&mut field));
                            state = State::FieldStart;
                        }
                        b'\n' | b'\r' => {
                            self.line += 1;
                            self.skip_lf = b == b'\r';
                            end_of_record = true;
                            break;
                        }
                        b'"' if state == State::FieldStart => {
                            state = State::Quoted;
                            quote_line = self.line;
                        }
                        b'"' => {
                            if problem.is_none() {
                                problem = Some((
                                    fields.len() + 1,
                                    "a quote inside an unquoted field (quote the whole field and double the inner quote)".into(),
                                ));
                            }
                            field.push(b);
                        }
                        _ => {
                            // Copy the run of ordinary bytes in one go.
                            state = State::Unquoted;
                            let start = i - 1;
                            while i < buf.len() && !matches!(buf[i], b',' | b'\n' | b'\r' | b'"') {
                                i += 1;
                            }
                            field.extend_from_slice(&buf[start..i]);
                        }
                    },
                    State::Quoted => match b {
                        b'"' => state = State::QuoteInQuoted,
                        b'\n' => {
                            self.line += 1;
                            field.push(b);
                        }
                        _ => {
                            let start = i - 1;
                            while i < buf.len() && !matches!(buf[i], b'"' | b'\n') {
                                i += 1;
                            }
                            field.extend_from_slice(&buf[start..i]);
                        }
                    },
                    State::QuoteInQuoted => match b {
                        b'"' => {
                            field.push(b'"');
                            state = State::Quoted;
                        }
                        b',' => {
                            fields.push(std::mem::take(&mut field));
                            state = State::FieldStart;
                        }
                        b'\n' | b'\r' => {
                            self.line += 1;
                            self.skip_lf = b == b'\r';
                            end_of_record = true;
                            break;
                        }
                        _ => {
                            if problem.is_none() {
                                problem = Some((
                                    fields.len() + 1,
                                    "text after the closing quote of a quoted field".into(),
                                ));
                            }
                            field.push(b);
                            state = State::Unquoted;
                        }
                    },
                }
            }
            self.input.consume(i);
            self.bytes_read += i as u64;
            record_bytes += i;
            if end_of_record {
                break 'outer;
            }
            if record_bytes > MAX_RECORD_BYTES {
                return Err(CsvFileError {
                io: false,
                    line: start_line,
                    field: Some(fields.len() + 1),
                    message: format!(
                        "the record starting here is longer than {} KiB; is a closing quote missing?",
                        MAX_RECORD_BYTES / 1024
                    ),
                });
            }
        }
        if self.eof && state == State::Quoted {
            return Err(CsvFileError {
                io: false,
                line: quote_line,
                field: Some(fields.len() + 1),
                message: "a quoted field is never closed (unterminated quote); the rest of the file would be swallowed into it".into(),
            });
        }
        if !any {
            return Ok(None);
        }
        fields.push(field);
        let mut out = Vec::with_capacity(fields.len());
        for (idx, f) in fields.into_iter().enumerate() {
            match String::from_utf8(f) {
                Ok(s) => out.push(s),
                Err(e) => {
                    let bad = e.as_bytes()[e.utf8_error().valid_up_to()];
                    return Err(CsvFileError {
                io: false,
                        line: start_line,
                        field: Some(idx + 1),
                        message: format!(
                            "not valid UTF-8 (byte 0x{bad:02X}); save the file as UTF-8 (CSV UTF-8 in Excel)"
                        ),
                    });
                }
            }
        }
        Ok(Some(Record {
            line: start_line,
            fields: out,
            problem,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(s: &[u8]) -> Result<Vec<Record>, CsvFileError> {
        let mut r = CsvReader::new(s);
        let mut v = Vec::new();
        while let Some(rec) = r.next_record()? {
            v.push(rec);
        }
        Ok(v)
    }

    #[test]
    fn utf16_without_a_byte_order_mark_is_a_file_error() {
        let text: Vec<u8> = "name,site\nPC-1,Seoul HQ\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let e = read_all(&text).unwrap_err();
        assert!(e.message.contains("UTF-16"), "{}", e.message);
        let be: Vec<u8> = "name,site\n"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert!(read_all(&be).unwrap_err().message.contains("UTF-16"));
        assert!(read_all(b"name,site\nPC-1,Seoul HQ\n").is_ok());
    }

    #[test]
    fn quoted_fields_crlf_bom_and_lines() {
        let v = read_all(b"\xEF\xBB\xBFa,b\r\n\"x,\"\"y\"\"\",\"two\nlines\"\r\n3,4").unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].fields, vec!["a", "b"]);
        assert_eq!(v[1].fields, vec!["x,\"y\"", "two\nlines"]);
        assert_eq!(v[1].line, 2);
        assert_eq!(v[2].line, 4);
        assert_eq!(v[2].fields, vec!["3", "4"]);
    }

    #[test]
    fn unterminated_quote_names_its_line() {
        let e = read_all(b"a,b\n1,2\n3,\"x\n4,5\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert_eq!(e.field, Some(2));
        assert!(e.message.contains("unterminated"), "{}", e.message);
    }

    #[test]
    fn invalid_utf8_is_a_file_error() {
        let e = read_all(b"a,b\n1,caf\xE9\n").unwrap_err();
        assert_eq!((e.line, e.field), (2, Some(2)));
        assert!(e.message.contains("UTF-8"));
    }

    #[test]
    fn stray_quote_is_a_row_problem() {
        let v = read_all(b"a,b\n1,ab\"c\n2,3\n").unwrap();
        assert_eq!(v[1].problem.as_ref().unwrap().0, 2);
        assert!(v[2].problem.is_none());
    }

    #[test]
    fn blank_lines_are_skipped_and_utf16_refused() {
        let v = read_all(b"a\n\n1\n\n").unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].line, 3);
        assert!(read_all(b"\xFF\xFEa\x00").is_err());
    }
}
