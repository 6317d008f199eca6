//! Strips from a page what the main-text extractor parses, clones and walks but never keeps:
//! script bodies (other than JSON-LD), style sheets, inline SVG drawings and HTML comments.
//! On AEB these are over half the bytes of a page (scripts 27%, styles 26%, SVG 3%, comments
//! 1.5%), and the extractor serialises and re-parses its DOM several times per page.
//!
//! One byte pass that follows the HTML tokenizer where it matters: start tags are read to their
//! end with quoted attribute values skipped, so `<script` inside an attribute is not a tag;
//! `<title>`, `<textarea>`, `<xmp>`, `<iframe>`, `<noembed>`, `<noframes>` are copied through to
//! their end tag, since `<!--` inside them is text; script bodies end where the tokenizer ends
//! them (a `</script>` inside a JavaScript string does end the element, one inside a
//! `<!-- <script> ... -->` block does not). From an unterminated script, style, comment or tag
//! on, the page is kept as it was; an SVG that holds HTML (which the parser would lift out of
//! it) is kept whole.
//!
//! Elements stay (emptied), so counts of `<script>` or `<svg>` elements the extractor's
//! page-type classifier reads are unchanged; `<noscript>` stays whole, because the extractor
//! keeps long `<noscript>` content as text.

/// Tags after which the tokenizer reads text up to the matching end tag (RCDATA/RAWTEXT, and
/// `iframe`, `noembed`, `noframes`): copied through unchanged.
const TEXT_ELEMENTS: &[&[u8]] = &[
    b"title",
    b"textarea",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
];

/// HTML start tags that end SVG content when met inside it (the HTML parsing spec's "breakout"
/// list for foreign content), plus `foreignObject`, which holds HTML: an SVG with any of these
/// is kept whole.
const SVG_BREAKOUT: &[&[u8]] = &[
    b"b",
    b"big",
    b"blockquote",
    b"body",
    b"br",
    b"center",
    b"code",
    b"dd",
    b"div",
    b"dl",
    b"dt",
    b"em",
    b"embed",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"head",
    b"hr",
    b"i",
    b"img",
    b"li",
    b"listing",
    b"menu",
    b"meta",
    b"nobr",
    b"ol",
    b"p",
    b"pre",
    b"ruby",
    b"s",
    b"small",
    b"span",
    b"strong",
    b"strike",
    b"sub",
    b"sup",
    b"table",
    b"tt",
    b"u",
    b"ul",
    b"var",
    b"font",
    b"foreignobject",
];

/// The page without script bodies (JSON-LD kept), style sheets, SVG content and comments.
/// Returns the input unchanged from the first script, style, comment or tag it cannot close.
pub(crate) fn strip_unread(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    // `copied`: bytes before it are in `out` (or deliberately dropped).
    let mut copied = 0;
    let mut at = 0;
    while let Some(p) = memchr::memchr(b'<', &bytes[at..]) {
        let lt = at + p;
        let rest = &bytes[lt..];
        if rest.starts_with(b"<!--") {
            let Some(end) = comment_end(bytes, lt) else {
                break;
            };
            out.extend_from_slice(&bytes[copied..lt]);
            copied = end;
            at = end;
            continue;
        }
        if rest.starts_with(b"</") && rest.get(2).is_some_and(u8::is_ascii_alphabetic) {
            match start_tag_end(bytes, lt + 2) {
                Some((end, _)) => at = end,
                None => break,
            }
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            // Doctype, bogus comment: to the next `>`, copied as is.
            match memchr::memchr(b'>', rest) {
                Some(e) => at = lt + e + 1,
                None => break,
            }
            continue;
        }
        if !rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
            at = lt + 1;
            continue;
        }
        let name_end = lt
            + 1
            + rest[1..]
                .iter()
                .position(|b| is_space(*b) || *b == b'/' || *b == b'>')
                .unwrap_or(rest.len() - 1);
        let name = &bytes[lt + 1..name_end];
        let Some((tag_end, self_closing)) = start_tag_end(bytes, name_end) else {
            break;
        };
        if name.eq_ignore_ascii_case(b"script") {
            let json_ld = find_ignore_case(&bytes[name_end..tag_end], b"ld+json").is_some();
            let Some(close) = script_end(bytes, tag_end) else {
                break;
            };
            if !json_ld {
                out.extend_from_slice(&bytes[copied..tag_end]);
                copied = close;
            }
            at = close;
        } else if name.eq_ignore_ascii_case(b"style") {
            let Some(close) = end_tag(bytes, tag_end, b"style") else {
                break;
            };
            out.extend_from_slice(&bytes[copied..tag_end]);
            copied = close;
            at = close;
        } else if name.eq_ignore_ascii_case(b"svg") && !self_closing {
            // An SVG that holds HTML (or never closes) is read on as ordinary markup.
            match svg_end(bytes, tag_end) {
                Some(close) => {
                    out.extend_from_slice(&bytes[copied..tag_end]);
                    copied = close;
                    at = close;
                }
                None => at = tag_end,
            }
        } else if name.eq_ignore_ascii_case(b"plaintext") {
            break;
        } else if let Some(text) = TEXT_ELEMENTS.iter().find(|t| name.eq_ignore_ascii_case(t)) {
            match end_tag(bytes, tag_end, text) {
                Some(close) => at = close,
                None => break,
            }
        } else {
            at = tag_end;
        }
    }
    if copied == 0 {
        return html.to_string();
    }
    out.extend_from_slice(&bytes[copied..]);
    // Cuts are made only at ASCII `<` and after ASCII `>`, never inside a UTF-8 sequence.
    String::from_utf8(out).unwrap_or_else(|_| html.to_string())
}

/// HTML whitespace (CR included: the page has not been through the parser's newline pass).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Where a tag name is delimited: whitespace, `/`, `>`.
fn ends_name(bytes: &[u8], at: usize) -> bool {
    bytes
        .get(at)
        .is_some_and(|b| is_space(*b) || *b == b'/' || *b == b'>')
}

/// Position after the `>` that closes a tag whose name ends at `from`, and whether the tag is
/// self-closing (`/>`). Attribute values follow the tokenizer: a quote right after `=` runs to
/// its match (and may hold `>`), an unquoted value runs to whitespace or `>` (and may end in `/`).
fn start_tag_end(bytes: &[u8], from: usize) -> Option<(usize, bool)> {
    let mut i = from;
    let mut slash = false;
    while i < bytes.len() {
        match bytes[i] {
            b'>' => return Some((i + 1, slash)),
            b'=' => {
                i += 1;
                while i < bytes.len() && is_space(bytes[i]) {
                    i += 1;
                }
                match bytes.get(i) {
                    Some(&quote) if quote == b'"' || quote == b'\'' => {
                        i += 2 + memchr::memchr(quote, &bytes[i + 1..])?;
                    }
                    _ => {
                        while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'>' {
                            i += 1;
                        }
                    }
                }
                slash = false;
            }
            b'/' => {
                slash = true;
                i += 1;
            }
            b => {
                slash = slash && is_space(b);
                i += 1;
            }
        }
    }
    None
}

/// Position after a comment that opens at `lt` (`<!--`): after `-->` or `--!>`, or right after
/// `<!-->` / `<!--->`, which the tokenizer closes at once.
fn comment_end(bytes: &[u8], lt: usize) -> Option<usize> {
    let body = lt + 4;
    if bytes[body..].starts_with(b">") {
        return Some(body + 1);
    }
    if bytes[body..].starts_with(b"->") {
        return Some(body + 2);
    }
    let mut i = body;
    while let Some(p) = memchr::memmem::find(&bytes[i..], b"--") {
        let dash = i + p;
        let tail = &bytes[dash + 2..];
        if tail.starts_with(b">") {
            return Some(dash + 3);
        }
        if tail.starts_with(b"!>") {
            return Some(dash + 4);
        }
        i = dash + 1;
    }
    None
}

/// Case-insensitive search for an ASCII needle.
fn find_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Position of `</name` (any case, delimited) at or after `from`.
fn end_tag(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(p) = memchr::memmem::find(&bytes[i..], b"</") {
        let at = i + p;
        let after = at + 2 + name.len();
        if bytes
            .get(at + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && ends_name(bytes, after)
        {
            return Some(at);
        }
        i = at + 2;
    }
    None
}

/// Whether `<` at `at` opens `name` as a tag (`<name` + delimiter, any case); `close` for
/// `</name`.
fn tag_at(bytes: &[u8], at: usize, name: &[u8], close: bool) -> bool {
    let start = at + if close { 2 } else { 1 };
    let after = start + name.len();
    (!close || bytes.get(at + 1) == Some(&b'/'))
        && bytes
            .get(start..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
        && ends_name(bytes, after)
}

/// Position of the `</script` that ends a script body starting at `from`, following the
/// tokenizer's script-data states: after `<!--` the body is "escaped", where `<script` enters a
/// "double-escaped" part in which `</script` does not end the element; `-->` leaves both.
fn script_end(bytes: &[u8], from: usize) -> Option<usize> {
    #[derive(PartialEq)]
    enum State {
        Data,
        Escaped,
        DoubleEscaped,
    }
    let mut state = State::Data;
    let mut i = from;
    loop {
        let p = if state == State::Data {
            memchr::memchr(b'<', &bytes[i..])?
        } else {
            memchr::memchr2(b'<', b'-', &bytes[i..])?
        };
        let at = i + p;
        i = at + 1;
        if bytes[at] == b'-' {
            if bytes[at..].starts_with(b"-->") {
                state = State::Data;
                i = at + 3;
            }
            continue;
        }
        match state {
            State::Data => {
                if tag_at(bytes, at, b"script", true) {
                    return Some(at);
                }
                if bytes[at..].starts_with(b"<!--") {
                    state = State::Escaped;
                    // The dashes of `<!--` may also close it (`<!-->`).
                    i = at + 2;
                }
            }
            State::Escaped => {
                if tag_at(bytes, at, b"script", true) {
                    return Some(at);
                }
                if tag_at(bytes, at, b"script", false) {
                    state = State::DoubleEscaped;
                }
            }
            State::DoubleEscaped => {
                if tag_at(bytes, at, b"script", true) {
                    state = State::Escaped;
                }
            }
        }
    }
}

/// Position of the `</svg` that closes an SVG element whose content starts at `from`, counting
/// nested `<svg>` and skipping comments and CDATA; `None` when there is none or when the SVG
/// holds an HTML tag the parser would lift out of it.
fn svg_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut depth = 1usize;
    let mut i = from;
    while let Some(p) = memchr::memchr(b'<', &bytes[i..]) {
        let at = i + p;
        let rest = &bytes[at..];
        if rest.starts_with(b"<!--") {
            i = comment_end(bytes, at)?;
            continue;
        }
        if rest.starts_with(b"<![CDATA[") {
            i = at + 9 + memchr::memmem::find(&rest[9..], b"]]>")? + 3;
            continue;
        }
        if tag_at(bytes, at, b"p", true) || tag_at(bytes, at, b"br", true) {
            return None;
        }
        if tag_at(bytes, at, b"svg", true) {
            depth -= 1;
            if depth == 0 {
                return Some(at);
            }
            i = at + 2;
            continue;
        }
        if rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
            let name_end = at
                + 1
                + rest[1..]
                    .iter()
                    .position(|b| is_space(*b) || *b == b'/' || *b == b'>')
                    .unwrap_or(rest.len() - 1);
            let name = &bytes[at + 1..name_end];
            if SVG_BREAKOUT.iter().any(|t| name.eq_ignore_ascii_case(t)) {
                return None;
            }
            let (end, self_closing) = start_tag_end(bytes, name_end)?;
            if name.eq_ignore_ascii_case(b"svg") && !self_closing {
                depth += 1;
            }
            i = end;
            continue;
        }
        i = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Any mix of the constructs it cuts, closed or not, never panics, never grows the page,
        /// and changes nothing when none of them opens.
        #[test]
        fn tag_soup_is_cut_safely(parts in proptest::collection::vec(
            prop_oneof![
                Just("<script>"), Just("</script>"), Just("<SCRIPT type=x>"), Just("<!--"),
                Just("-->"), Just("<style>"), Just("</style >"), Just("<svg>"), Just("</svg>"),
                Just("<svg/>"), Just("<p>"), Just("</p>"), Just("<![CDATA["), Just("]]>"),
                Just("<title>"), Just("</title>"), Just("<a href=\""), Just("\">"), Just("<"),
                Just(">"), Just("é"), Just("--!>"), Just("<!-->"),
            ], 0..40)) {
            let page = parts.concat();
            let out = strip_unread(&page);
            prop_assert!(out.len() <= page.len());
            // Without any construct that hides text, nothing changes.
            if !["<script", "<SCRIPT", "<!--", "<style", "<svg"].iter().any(|t| page.contains(t)) {
                prop_assert_eq!(&out, &page);
            }
        }
    }

    #[test]
    fn scripts_styles_svg_and_comments_lose_their_content() {
        let page = "<html><head><title>T</title><style>p{color:red}</style>\
                    <script src=\"a.js\"></script><script>var a = 1 < 2;</script></head>\
                    <body><!-- nav --><p>Text <svg viewBox=\"0 0 1 1\"><path d=\"M0\"/>\
                    <title>icon</title></svg>stays.</p></body></html>";
        assert_eq!(
            strip_unread(page),
            "<html><head><title>T</title><style></style>\
             <script src=\"a.js\"></script><script></script></head>\
             <body><p>Text <svg viewBox=\"0 0 1 1\"></svg>stays.</p></body></html>"
        );
    }

    #[test]
    fn json_ld_and_noscript_stay_whole() {
        let page = "<script type=\"application/LD+JSON\">{\"articleBody\": \"<p>x</p>\"}</script>\
                    <noscript><p>Long text for readers without scripts.</p></noscript>";
        assert_eq!(strip_unread(page), page);
    }

    #[test]
    fn uppercase_and_spaced_tags_are_tags() {
        assert_eq!(
            strip_unread("<SCRIPT type=text/javascript>x()</SCRIPT ><P>a</P><STYLE>b</Style\t>"),
            "<SCRIPT type=text/javascript></SCRIPT ><P>a</P><STYLE></Style\t>"
        );
        // `<scripts>` or `</scriptx>` are other names.
        assert_eq!(
            strip_unread("<scripts>a</scripts><script>b</scriptx>c</script>d"),
            "<scripts>a</scripts><script></script>d"
        );
    }

    #[test]
    fn script_ends_where_the_tokenizer_ends_it() {
        // A `</script>` inside a JavaScript string ends the element for an HTML parser too.
        assert_eq!(
            strip_unread("<script>s = \"</script>\";</script><p>a</p>"),
            "<script></script>\";</script><p>a</p>"
        );
        // Inside `<!-- <script> ... -->` a `</script>` does not end it.
        assert_eq!(
            strip_unread("<script><!-- document.write('<script>x</script>'); --></script><p>a</p>"),
            "<script></script><p>a</p>"
        );
        // In the escaped part without a nested `<script>`, `</script>` ends it.
        assert_eq!(
            strip_unread("<script><!-- x </script><p>a</p>"),
            "<script></script><p>a</p>"
        );
        // `<!-->` opens and closes at once.
        assert_eq!(
            strip_unread("<script><!--><script></script><p>a</p>"),
            "<script></script><p>a</p>"
        );
    }

    #[test]
    fn comments_close_as_the_tokenizer_closes_them() {
        assert_eq!(
            strip_unread("a<!-- x -- y --!>b<!-->c<!--->d<!---->e"),
            "abcde"
        );
        assert_eq!(
            strip_unread("<p>a</p><!--[if IE]><p>old</p><![endif]--><p>b</p>"),
            "<p>a</p><p>b</p>"
        );
    }

    #[test]
    fn text_elements_and_attributes_are_not_markup() {
        let page = "<title>A <!-- b --> c</title><textarea><script>x</script></textarea>\
                    <a title=\"<script>y</script>\" href='<!--'>z</a>";
        assert_eq!(strip_unread(page), page);
    }

    #[test]
    fn unterminated_constructs_keep_the_rest() {
        assert_eq!(
            strip_unread("<style>a</style><script>never closed <p>x</p>"),
            "<style></style><script>never closed <p>x</p>"
        );
        assert_eq!(
            strip_unread("<!-- a --><p>b</p><!-- open <p>c</p>"),
            "<p>b</p><!-- open <p>c</p>"
        );
        assert_eq!(strip_unread("<p title=\"open>x"), "<p title=\"open>x");
        assert_eq!(
            strip_unread("<p>a</p><plaintext><!-- b -->"),
            "<p>a</p><plaintext><!-- b -->"
        );
    }

    #[test]
    fn svg_nesting_cdata_and_html_inside() {
        assert_eq!(
            strip_unread("<svg><svg><g/></svg><![CDATA[</svg>]]></svg><p>a</p><svg/>b"),
            "<svg></svg><p>a</p><svg/>b"
        );
        // HTML inside SVG is lifted out by the parser: the SVG is kept whole, and what follows
        // is still stripped.
        let page =
            "<svg><p>text</p></svg><svg><g></p></svg><svg><foreignObject>x</foreignObject></svg>";
        assert_eq!(
            strip_unread(&format!("{page}<style>s</style>")),
            format!("{page}<style></style>")
        );
        // `/` that ends an unquoted value does not close the tag.
        assert_eq!(
            strip_unread("<svg width=10/><path/></svg>a<svg a=\"1\" />b"),
            "<svg width=10/></svg>a<svg a=\"1\" />b"
        );
    }

    #[test]
    fn multibyte_text_survives() {
        assert_eq!(
            strip_unread("<p>café</p><script>é</script><p>ü</p><!--ö-->"),
            "<p>café</p><script></script><p>ü</p>"
        );
    }
}
