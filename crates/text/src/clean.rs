//! Boilerplate removal that keeps offsets: which lines of an article are content, and why the
//! others were dropped.
//!
//! Cleaning never rewrites text. It works line by line and returns byte regions of the original
//! text, so every later offset still points into the text the user gave us. Each pattern lives in
//! [`PATTERNS`] with a reason code and the example lines it exists for; the tests run every example.

use sitrep_model::Span;

/// Boilerplate removal that keeps offsets: the byte regions of a text that are article content.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cleaned {
    /// Maximal runs of kept lines, trimmed of surrounding whitespace, never empty, in text order.
    pub regions: Vec<Span>,
    /// Each dropped line (trimmed) with the reason code of the pattern that dropped it.
    pub removed: Vec<(Span, &'static str)>,
}

/// How a pattern matches a line's key (the line trimmed, lowercased, whitespace runs collapsed to
/// one space and leading bullet marks such as `•`, `»`, `-` or `[` removed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The key is exactly this.
    Exact(&'static str),
    /// The key starts with this; when this ends in a letter or digit, the next char (if any) must
    /// not be one, so `Prefix("share on")` does not match "share one".
    Prefix(&'static str),
    /// The key contains this.
    Contains(&'static str),
    /// The key is a number followed by this word ("12 comments").
    Counted(&'static str),
}

/// One boilerplate pattern: the rule, the reason code it reports and lines it must drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pattern {
    pub rule: Rule,
    pub reason: &'static str,
    pub examples: &'static [&'static str],
}

/// Lines longer than this (in bytes, after trimming) are content whatever they contain: boilerplate
/// lines are short, and a long paragraph that mentions cookies or comments is still a paragraph.
pub const MAX_BOILERPLATE_LINE: usize = 250;

/// Reason code for a line printed twice: one with a letter in it that repeats the previous non-empty
/// line, or a short one (a caption or credit of at least [`MIN_REPEATED_WORDS`] words) that repeats
/// one of the [`REPEAT_WINDOW`] lines before it (caption, credit, caption, credit). Repeats further
/// apart are content: recipes and interviews repeat their lines.
pub const DUPLICATE_LINE: &str = "duplicate_line";

/// A short line repeated further down is dropped only when it has at least this many words: a
/// lone word or name may well recur as content.
pub const MIN_REPEATED_WORDS: usize = 4;

/// How many previous non-empty lines a short line is compared with.
pub const REPEAT_WINDOW: usize = 3;

macro_rules! patterns {
    ($($kind:ident($text:expr) => $reason:expr, [$($example:expr),* $(,)?];)*) => {
        /// Every boilerplate pattern, in the order they are tried.
        pub const PATTERNS: &[Pattern] = &[
            $(Pattern { rule: Rule::$kind($text), reason: $reason, examples: &[$($example),*] },)*
        ];
    };
}

patterns! {
    Prefix("read also") => "read_also", ["READ ALSO: Iraq's parliament votes to expel US troops", "» Read also | Who is Kata'ib Hizbollah?"];
    Prefix("also read") => "read_also", ["Also read: Rockets hit Green Zone"];
    Prefix("read more") => "read_also", ["Read more", "Read More: US strikes militia sites", "[Read more about the strikes]"];
    Exact("related") => "read_also", ["Related", "[Related]"];
    Prefix("related:") => "read_also", ["Related:", "RELATED: Protesters storm US embassy compound"];
    Prefix("related articles") => "read_also", ["Related articles"];
    Prefix("related stories") => "read_also", ["Related Stories"];
    Prefix("related news") => "read_also", ["Related news"];
    Prefix("related content") => "read_also", ["Related content"];
    Prefix("related coverage") => "read_also", ["Related coverage"];
    Prefix("related posts") => "read_also", ["Related posts:"];
    Prefix("see also") => "read_also", ["See also: Timeline of attacks on US forces"];
    Exact("recommended") => "read_also", ["Recommended"];
    Prefix("recommended:") => "read_also", ["Recommended: The militias behind the attacks"];
    Prefix("recommended for you") => "read_also", ["Recommended for you"];
    Prefix("continue reading") => "read_also", ["Continue reading"];
    Prefix("click here to read") => "read_also", ["Click here to read the full statement"];
    Prefix("source link") => "source_link", ["Source link", "Source Link: https://example.com/a"];
    Exact("original source") => "source_link", ["Original source"];
    Prefix("share this") => "share", ["Share this article", "SHARE THIS:", "Share this story on Facebook"];
    Prefix("share on") => "share", ["Share on Facebook", "Share on WhatsApp"];
    Prefix("share via") => "share", ["Share via email"];
    Exact("share") => "share", ["Share", "• Share"];
    Prefix("share:") => "share", ["Share: Facebook Twitter"];
    Prefix("click to share") => "share", ["Click to share on Twitter (Opens in new window)"];
    Exact("tweet") => "share", ["Tweet"];
    Exact("facebook") => "share", ["Facebook"];
    Exact("twitter") => "share", ["Twitter"];
    Exact("whatsapp") => "share", ["WhatsApp"];
    Exact("telegram") => "share", ["Telegram"];
    Exact("linkedin") => "share", ["LinkedIn"];
    Exact("email") => "share", ["Email"];
    Exact("print") => "share", ["Print"];
    Prefix("subscribe") => "subscribe", ["Subscribe", "Subscribe to our newsletter", "SUBSCRIBE NOW for unlimited access"];
    Prefix("sign up") => "subscribe", ["Sign up", "Sign up for our daily briefing"];
    Prefix("newsletter") => "subscribe", ["Newsletter", "Newsletter: get the headlines every morning"];
    Contains("our newsletter") => "subscribe", ["Get our newsletter in your inbox", "Join our newsletter today!"];
    Contains("subscribe to our") => "subscribe", ["Don't miss a story: subscribe to our channel"];
    Prefix("follow us") => "follow", ["Follow us on Twitter", "Follow Us"];
    Contains("follow us on") => "follow", ["For more news, follow us on Telegram"];
    Contains("we use cookies") => "cookie", ["We use cookies to improve your experience on our site."];
    Contains("uses cookies") => "cookie", ["This website uses cookies. By continuing you agree to our use of cookies."];
    Contains("accept cookies") => "cookie", ["Accept cookies"];
    Contains("accept all cookies") => "cookie", ["Accept all cookies"];
    Contains("cookie policy") => "cookie", ["Read our Cookie Policy"];
    Contains("cookie settings") => "cookie", ["Cookie settings"];
    Prefix("leave a comment") => "comments", ["Leave a comment", "Leave a Comment »"];
    Prefix("post a comment") => "comments", ["Post a comment"];
    Prefix("add a comment") => "comments", ["Add a comment..."];
    Prefix("show comments") => "comments", ["Show comments"];
    Prefix("view comments") => "comments", ["View comments (14)"];
    Prefix("join the conversation") => "comments", ["Join the conversation"];
    Exact("comments") => "comments", ["Comments", "COMMENTS"];
    Exact("comment") => "comments", ["Comment"];
    Prefix("comments (") => "comments", ["Comments (3)"];
    Counted("comments") => "comments", ["0 Comments", "12 comments"];
    Counted("comment") => "comments", ["1 comment"];
    Prefix("©") => "copyright", ["© 2020 Example News. All rights reserved.", "©2019 Reuters"];
    Prefix("copyright") => "copyright", ["Copyright © 2019 Example Media Group", "Copyright 2020"];
    Prefix("(c)") => "copyright", ["(c) 2020 Example News"];
    Contains("all rights reserved") => "copyright", ["Example News Ltd. All Rights Reserved"];
    Prefix("advertisement") => "advertisement", ["Advertisement", "ADVERTISEMENT", "Advertisement - scroll to continue"];
    Exact("advertising") => "advertisement", ["Advertising"];
    Exact("ad") => "advertisement", ["AD"];
    Exact("sponsored") => "advertisement", ["Sponsored"];
    Exact("sponsored content") => "advertisement", ["Sponsored content"];
    Contains("continues below advertisement") => "advertisement", ["Story continues below advertisement"];
    Exact("sharing is caring!") => "share", ["Sharing is caring!"];
    Exact("pinterest") => "share", ["Pinterest"];
    Exact("reddit") => "share", ["Reddit"];
    Exact("flipboard") => "share", ["Flipboard"];
    Exact("google+") => "share", ["Google+"];
    Exact("facebook twitter google+ whatsapp") => "share", ["Facebook Twitter Google+ Whatsapp"];
    Prefix("you may also like") => "read_also", ["You may also like...", "You may also like:"];
    Prefix("you may like these") => "read_also", ["You may like these posts"];
    Prefix("you might also like") => "read_also", ["You might also like"];
    Exact("most popular") => "read_also", ["Most Popular"];
    Exact("most popular videos") => "read_also", ["Most Popular Videos"];
    Exact("most popular articles") => "read_also", ["Most Popular Articles"];
    Exact("most read") => "read_also", ["Most read"];
    Prefix("most read in ") => "read_also", ["Most read in world news"];
    Prefix("related roundup") => "read_also", ["Related Roundup: MacBook Pro"];
    Prefix("filed under") => "read_also", ["Filed under:"];
    Prefix("all sharing options") => "share", ["All sharing options for: Rockets hit the Green Zone"];
    Exact("scroll to continue") => "advertisement", ["Scroll to continue"];
    Prefix("sponsored links") => "advertisement", ["Sponsored links"];
    Prefix("related post:") => "read_also", ["Related post: Pickled Brussels Sprouts Recipe"];
    Exact("tags:") => "read_also", ["Tags:"];
    Prefix("more from ") => "read_also", ["More from Example News"];
    Prefix("photo:") => "photo_credit", ["Photo: Meg Kinnard, AP", "PHOTO: Reuters"];
    Prefix("(photo") => "photo_credit", ["(Photo: AP)", "(Photo by Ahmad Al-Rubaye/AFP)"];
    Prefix("photo by") => "photo_credit", ["Photo by Ahmad Al-Rubaye/AFP via Getty Images"];
    Prefix("photo credit") => "photo_credit", ["Photo credit: AP"];
    Prefix("photograph:") => "photo_credit", ["Photograph: Khalid Mohammed/AP"];
    Prefix("image:") => "photo_credit", ["Image: Reuters"];
    Prefix("image caption") => "photo_credit", ["Image caption Smoke rises over the embassy"];
    Prefix("image copyright") => "photo_credit", ["Image copyright Getty Images"];
    Prefix("credit:") => "photo_credit", ["Credit: Reuters"];
    Exact("getty images") => "photo_credit", ["Getty Images"];
    Exact("caption") => "photo_credit", ["Caption"];
    Exact("close") => "photo_credit", ["Close"];
    Exact("hide caption") => "photo_credit", ["hide caption"];
    Exact("toggle caption") => "photo_credit", ["toggle caption"];
    Prefix("this slideshow requires javascript") => "photo_credit", ["This slideshow requires JavaScript."];
    Prefix("tell us what you think") => "comments", ["Tell us what YOU think..."];
    Contains("uses akismet to reduce spam") => "comments", ["This site uses Akismet to reduce spam. Learn how your comment data is processed."];
    Prefix("have your say") => "comments", ["Have your say"];
    Exact("privacy policy") => "footer", ["Privacy Policy"];
    Exact("terms of use") => "footer", ["Terms of Use"];
    Exact("terms of service") => "footer", ["Terms of service"];
    Exact("contact us") => "footer", ["Contact us"];
    Exact("about us") => "footer", ["About Us"];
    Prefix("back to top") => "footer", ["Back to top"];
    Prefix("powered by ") => "footer", ["Powered by WordPress"];
}

/// Boilerplate removal that keeps offsets: returns the byte regions of `text` that are article
/// content, and every dropped line with its reason.
pub fn clean(text: &str) -> Cleaned {
    let mut cleaned = Cleaned::default();
    // Byte range of the current run of kept lines (including blank ones).
    let mut run: Option<(usize, usize)> = None;
    // The last REPEAT_WINDOW non-empty lines, most recent last.
    let mut recent: Vec<&str> = Vec::with_capacity(REPEAT_WINDOW + 1);
    for (start, line) in lines(text) {
        let trimmed = line.trim();
        let line_end = start + line.len();
        if trimmed.is_empty() {
            if let Some((_, end)) = run.as_mut() {
                *end = line_end;
            }
            continue;
        }
        // Tables repeat their numbers ("0", "0"): only lines with a letter count as printed twice.
        let repeated = (recent.last() == Some(&trimmed) && trimmed.chars().any(char::is_alphabetic))
            || (trimmed.len() <= MAX_BOILERPLATE_LINE
                && trimmed.split_whitespace().nth(MIN_REPEATED_WORDS - 1).is_some()
                && recent.contains(&trimmed));
        let reason = if repeated { Some(DUPLICATE_LINE) } else { boilerplate(trimmed) };
        recent.push(trimmed);
        if recent.len() > REPEAT_WINDOW {
            recent.remove(0);
        }
        match reason {
            Some(reason) => {
                let lead = line.len() - line.trim_start().len();
                let span = Span::new(start + lead, start + lead + trimmed.len());
                cleaned.removed.push((span, reason));
                if let Some((s, e)) = run.take() {
                    push_region(text, s, e, &mut cleaned.regions);
                }
            }
            None => match run.as_mut() {
                Some((_, end)) => *end = line_end,
                None => run = Some((start, line_end)),
            },
        }
    }
    if let Some((s, e)) = run {
        push_region(text, s, e, &mut cleaned.regions);
    }
    cleaned
}

/// The reason code of the first pattern matching a (trimmed, non-empty) line, if any.
pub fn boilerplate(line: &str) -> Option<&'static str> {
    if line.len() > MAX_BOILERPLATE_LINE {
        return None;
    }
    let key = line_key(line);
    PATTERNS.iter().find(|p| matches(p.rule, &key)).map(|p| p.reason)
}

fn matches(rule: Rule, key: &str) -> bool {
    match rule {
        Rule::Exact(s) => key == s,
        Rule::Prefix(s) => key
            .strip_prefix(s)
            .is_some_and(|rest| !(s.ends_with(char::is_alphanumeric) && rest.starts_with(char::is_alphanumeric))),
        Rule::Contains(s) => key.contains(s),
        Rule::Counted(word) => key
            .split_once(' ')
            .is_some_and(|(n, w)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit() || b == b',') && w == word),
    }
}

/// The form patterns are matched against: lowercased, whitespace collapsed, bullets removed.
fn line_key(line: &str) -> String {
    const BULLETS: &[char] = &['•', '·', '*', '-', '–', '—', '»', '›', '>', '|', '[', '■', '►', '▶', '→', '+'];
    let line = line.trim_start_matches(|c: char| BULLETS.contains(&c) || c.is_whitespace());
    let line = line.trim_end_matches(|c: char| c == ']' || c.is_whitespace());
    let mut key = String::with_capacity(line.len());
    for word in line.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    key
}

/// Lines of `text` with their start offsets, without the `\n` (a `\r` stays and is trimmed later).
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split('\n').map(move |line| {
        let at = start;
        start += line.len() + 1;
        (at, line)
    })
}

/// Pushes `[start, end)` trimmed of whitespace, unless nothing is left.
fn push_region(text: &str, start: usize, end: usize, regions: &mut Vec<Span>) {
    let Some(slice) = text.get(start..end) else {
        return;
    };
    let lead = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim();
    if !trimmed.is_empty() {
        regions.push(Span::new(start + lead, start + lead + trimmed.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_example_is_dropped_for_its_reason() {
        for pattern in PATTERNS {
            assert!(!pattern.examples.is_empty(), "{pattern:?} has no example");
            for example in pattern.examples {
                assert_eq!(boilerplate(example), Some(pattern.reason), "{example:?} ({:?})", pattern.rule);
            }
        }
    }

    /// Content lines that look a little like boilerplate but must be kept.
    const CONTENT: &[&str] = &[
        "Rockets hit the K1 base near Kirkuk on Friday, killing a US contractor.",
        "Related groups have denied any role in the attack.",
        "Shares of oil companies rose after the strike.",
        "Subscribers to the group's Telegram channel saw the claim first.",
        "Comments by the embassy spokesman were not immediately available.",
        "Followers of the cleric gathered outside the embassy.",
        "Advertisements for the rally were posted across Baghdad.",
        "The militia's statement was shared on Telegram.",
        "Twitter users posted videos of the fires at the embassy gate.",
        "Read the statement in full, the ministry said.",
        "Adnan, 34, said the copyright of the footage belongs to the agency.",
        "1 killed",
        "Recommended changes to the security pact were rejected.",
        "Share one thing: the fear of another strike.",
        "Photos showed smoke over the base.",
        "Close to the embassy, protesters set fires.",
        "Most popular among the militias is the Katyusha rocket.",
        "Credited with the attack, the group said nothing.",
    ];

    #[test]
    fn content_lines_are_kept() {
        for line in CONTENT {
            assert_eq!(boilerplate(line), None, "{line:?}");
        }
        let long = format!("We use cookies, he joked. {}", "The embassy compound was stormed. ".repeat(10));
        assert_eq!(boilerplate(&long), None);
    }

    /// (text, kept regions, removed lines with reasons)
    type Case = (&'static str, &'static [&'static str], &'static [(&'static str, &'static str)]);
    const CASES: &[Case] = &[
        ("", &[], &[]),
        ("  \n\n ", &[], &[]),
        ("One line.", &["One line."], &[]),
        ("  Padded line.  \n", &["Padded line."], &[]),
        (
            "Rockets hit the base.\n\nREAD ALSO: Who are the militias?\n\nThe US blamed Kata'ib Hizbollah.\n",
            &["Rockets hit the base.", "The US blamed Kata'ib Hizbollah."],
            &[("READ ALSO: Who are the militias?", "read_also")],
        ),
        (
            "First paragraph.\n\nSecond paragraph.\nStill second.\n\nThird.",
            &["First paragraph.\n\nSecond paragraph.\nStill second.\n\nThird."],
            &[],
        ),
        (
            "Protesters at the embassy gate.\nProtesters at the embassy gate.\nThey set fires.",
            &["Protesters at the embassy gate.", "They set fires."],
            &[("Protesters at the embassy gate.", "duplicate_line")],
        ),
        (
            "Caption text\r\n\r\nCaption text\r\nBody.\r\n",
            &["Caption text", "Body."],
            &[("Caption text", "duplicate_line")],
        ),
        (
            "Share\nTweet\nBody text here.\nAdvertisement\nMore body.\n© 2020 Example News\nAll rights reserved",
            &["Body text here.", "More body."],
            &[
                ("Share", "share"),
                ("Tweet", "share"),
                ("Advertisement", "advertisement"),
                ("© 2020 Example News", "copyright"),
                ("All rights reserved", "copyright"),
            ],
        ),
        ("Source link", &[], &[("Source link", "source_link")]),
        (
            "Smoke rises over the K1 base.\nPhoto: Marwan Ibrahim, AFP\nRockets hit the base.\n\
             Smoke rises over the K1 base.\nPhoto: Marwan Ibrahim, AFP\nIraq condemned the strike.\n\
             Iraq condemned the strike.\n0\n0\nEat every two hours, he said.\nOne.\nTwo.\nThree.\n\
             Eat every two hours, he said.",
            &[
                "Smoke rises over the K1 base.",
                "Rockets hit the base.",
                "Iraq condemned the strike.",
                "0\n0\nEat every two hours, he said.\nOne.\nTwo.\nThree.\nEat every two hours, he said.",
            ],
            &[
                ("Photo: Marwan Ibrahim, AFP", "photo_credit"),
                ("Smoke rises over the K1 base.", "duplicate_line"),
                ("Photo: Marwan Ibrahim, AFP", "duplicate_line"),
                ("Iraq condemned the strike.", "duplicate_line"),
            ],
        ),
        (
            "Kirkuk\nRockets hit the base.\nKirkuk\nThe base was hit again.\n\nSharing is caring!\nPinterest\n\
             Tell us what YOU think...\nPrivacy Policy\nTerms of Use",
            &["Kirkuk\nRockets hit the base.\nKirkuk\nThe base was hit again."],
            &[
                ("Sharing is caring!", "share"),
                ("Pinterest", "share"),
                ("Tell us what YOU think...", "comments"),
                ("Privacy Policy", "footer"),
                ("Terms of Use", "footer"),
            ],
        ),
        ("We use cookies.\nAccept cookies\n", &[], &[("We use cookies.", "cookie"), ("Accept cookies", "cookie")]),
        (
            "بغداد: سقطت صواريخ\nRead more\nقرب السفارة",
            &["بغداد: سقطت صواريخ", "قرب السفارة"],
            &[("Read more", "read_also")],
        ),
    ];

    fn check(text: &str, regions: &[&str], removed: &[(&str, &str)]) {
        let cleaned = clean(text);
        let got: Vec<&str> = cleaned.regions.iter().map(|s| s.slice(text)).collect();
        assert_eq!(got, regions, "regions of {text:?}");
        let got: Vec<(&str, &str)> = cleaned.removed.iter().map(|(s, r)| (s.slice(text), *r)).collect();
        assert_eq!(got, removed, "removed lines of {text:?}");
        for region in &cleaned.regions {
            assert!(!region.is_empty() && text.get(region.start..region.end).is_some());
        }
    }

    #[test]
    fn cleans() {
        for (text, regions, removed) in CASES {
            check(text, regions, removed);
        }
    }
}
