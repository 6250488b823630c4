//! Detection from headers and JSON shapes, file-level errors, and reject bookkeeping
//! (line numbers, codes, the `rows_read == rows_used + rejects` invariant).
use mailhygiene::suppression::import::{
    detect, import_bytes, GenericColumns, ImportError, ImportOptions, System,
};
use mailhygiene::suppression::Reason;

#[test]
fn system_codes_round_trip() {
    for system in System::ALL {
        assert_eq!(system.code().parse::<System>().unwrap(), system);
    }
    assert_eq!(" SES ".parse::<System>().unwrap(), System::Ses);
    assert_eq!(
        "aweber".parse::<System>().unwrap_err().code(),
        "unknown_system"
    );
}

#[test]
fn csv_headers() {
    let cases: &[(&str, &str, Option<System>)] = &[
        ("a.csv", "Email Address,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LEID,EUID\n", Some(System::Mailchimp)),
        // BOM, lower case, semicolons.
        ("a.csv", "\u{feff}email address;member_rating;optin_time\n", Some(System::Mailchimp)),
        // TAB-separated SFMC extract.
        ("a.txt", "ClientID\tSendID\tSubscriberKey\tEmailAddress\tEventDate\tBounceCategory\tSMTPCode\tBounceReason\n", Some(System::Sfmc)),
        ("a.csv", "EmailAddress,SuppressionReason,Origin,CreatedAt\n", Some(System::Postmark)),
        ("a.csv", "email,reason\n", Some(System::Ses)),
        ("a.csv", "x@example.com,BOUNCE\n", Some(System::Ses)),
        ("a.csv", "email,senderEmail,reason,blockedAt\n", Some(System::Brevo)),
        ("a.csv", "email,reason,detail,created_at,last_event_at,expires_at\n", Some(System::Mandrill)),
        ("a.csv", "address,code,error,created_at\n", Some(System::Mailgun)),
        ("a.csv", "address,tags,created_at\n", Some(System::Mailgun)),
        ("bounces.csv", "email,created,reason,status\n", Some(System::Sendgrid)),
        ("a.csv", "email,group_id,group_name,created_at\n", Some(System::Sendgrid)),
        ("a.csv", "Email,Suppression Reason,Suppression Date\n", Some(System::Klaviyo)),
        ("a.csv", "Email,Status,Legal basis,Source of status,Date\n", Some(System::Hubspot)),
        ("a.csv", "Record ID,Email,Unsubscribed from all email\n", Some(System::Hubspot)),
        ("a.csv", "Contact,Note\n", None),
    ];
    for (name, header, want) in cases {
        assert_eq!(detect(name, header.as_bytes()), *want, "{header:?}");
    }
}

#[test]
fn json_shapes() {
    let cases: &[(&str, Option<System>)] = &[
        (r#"{"SuppressedDestinationSummaries": [{"EmailAddress": "a@b.example", "Reason": "BOUNCE", "LastUpdateTime": 1}]}"#, Some(System::Ses)),
        (r#"{"SuppressedDestination": {"EmailAddress": "a@b.example", "Reason": "BOUNCE"}}"#, Some(System::Ses)),
        (r#"{"Suppressions": [{"EmailAddress": "a@b.example", "SuppressionReason": "HardBounce", "Origin": "Recipient", "CreatedAt": "2019-12-17T08:58:33-05:00"}]}"#, Some(System::Postmark)),
        (r#"{"count": 1, "contacts": [{"email": "a@b.example", "reason": {"code": "hardBounce"}, "blockedAt": "2017-05-01T12:30:00Z"}]}"#, Some(System::Brevo)),
        (r#"{"items": [{"address": "a@b.example", "created_at": "Fri, 21 Oct 2011 11:02:55 UTC"}], "paging": {}}"#, Some(System::Mailgun)),
        (r#"[{"email": "a@b.example", "reason": "hard-bounce", "detail": "x", "created_at": "2013-01-01 15:30:27"}]"#, Some(System::Mandrill)),
        (r#"[{"created": 1443651125, "email": "a@b.example", "ip": "10.0.0.1"}]"#, Some(System::Sendgrid)),
        (r#"{"data": [{"type": "profile", "attributes": {"email": "a@b.example"}}]}"#, Some(System::Klaviyo)),
        ("{\"emailAddress\":\"a@b.example\",\"reason\":\"BOUNCE\"}\n{\"emailAddress\":\"c@b.example\",\"reason\":\"COMPLAINT\"}\n", Some(System::Ses)),
        (r#"{"whatever": true}"#, None),
    ];
    for (json, want) in cases {
        assert_eq!(detect("x.json", json.as_bytes()), *want, "{json}");
    }
}

#[test]
fn sendgrid_lists_by_file_name() {
    let csv =
        "email,created,reason,status\na@example.com,1443651125,550 5.1.1 no such user,5.1.1\n";
    let reason = |name: &str| {
        import_bytes(name, csv.as_bytes(), &ImportOptions::new("s"))
            .unwrap()
            .records[0]
            .reason
            .code()
    };
    assert_eq!(reason("sendgrid_bounces_2024.csv"), "hard_bounce");
    assert_eq!(reason("exports/Blocks.csv"), "block");
}

#[test]
fn file_level_errors() {
    let opts = ImportOptions::new("s");
    let e = import_bytes("x.csv", b"Contact,Note\na,b\n", &opts).unwrap_err();
    assert_eq!(e.code(), "unknown_format");
    assert!(e.to_string().contains("Contact,Note"), "{e}");

    let e = import_bytes(
        "x.csv",
        b"email,reason\na@example.com,BOUNCE\nb@example.com,\xff\n",
        &opts,
    )
    .unwrap_err();
    assert_eq!(e.code(), "not_utf8");
    assert!(
        e.to_string()
            .starts_with("x.csv: line 3, column 15: byte 0xFF is not UTF-8"),
        "{e}"
    );

    let e = import_bytes("x.json", b"[\n{\"email\": \"a@example.com\",\n", &opts).unwrap_err();
    assert_eq!(e.code(), "bad_json");

    let e = import_bytes(
        "x.csv",
        b"Contact,Note\n",
        &ImportOptions::new("s").system(System::Generic),
    )
    .unwrap_err();
    assert_eq!(e.code(), "bad_option");
}

#[test]
fn rejects_keep_line_numbers_across_multiline_rows() {
    // Row 1 spans lines 2-3 (a quoted newline); the bad row starts on line 4.
    let csv = "email,created,reason,status\n\
a@example.com,1443651125,\"550 5.1.1 user unknown\nsecond line\",5.1.1\n\
bad@@example.com,1443651125,x,5.1.1\n\
,1443651125,x,5.1.1\n\
c@example.com\n";
    let out = import_bytes("bounces.csv", csv.as_bytes(), &ImportOptions::new("s")).unwrap();
    let got: Vec<(u64, &str)> = out
        .rejects
        .iter()
        .map(|r| (r.line, r.code.as_str()))
        .collect();
    // A short row (no `created`) is still read: its address is fine, the rest is empty.
    assert_eq!(got, vec![(4, "multiple_at"), (5, "missing_address")]);
    assert_eq!(
        out.records
            .iter()
            .map(|r| r.provenance.line)
            .collect::<Vec<_>>(),
        vec![2, 6]
    );
    assert_eq!(out.rejects[0].raw, "bad@@example.com,1443651125,x,5.1.1");
    assert_eq!(out.rejects[0].file, "bounces.csv");
    assert_eq!((out.rows_read, out.rows_used), (4, 2));
}

#[test]
fn rejects_keep_line_numbers_after_blank_lines_and_crlf() {
    // Lines: 1 header, 2 a, 3 blank, 4 blank, 5 bad, 6 c. Windows exports end lines in
    // `\r\n`; the line and the raw text must not depend on that.
    let lf = "email,created,reason,status\n\
a@example.com,1443651125,x,5.1.1\n\n\n\
bad@@example.com,1443651125,x,5.1.1\n\
c@example.com,1443651125,x,5.1.1\n";
    for csv in [lf.to_owned(), lf.replace('\n', "\r\n")] {
        let out = import_bytes("bounces.csv", csv.as_bytes(), &ImportOptions::new("s")).unwrap();
        let rejects: Vec<(u64, &str)> = out
            .rejects
            .iter()
            .map(|r| (r.line, r.raw.as_str()))
            .collect();
        assert_eq!(
            rejects,
            [(5, "bad@@example.com,1443651125,x,5.1.1")],
            "{csv:?}"
        );
        let lines: Vec<u64> = out.records.iter().map(|r| r.provenance.line).collect();
        assert_eq!(lines, [2, 6], "{csv:?}");
    }
}

#[test]
fn json_rejects_point_at_the_object_line() {
    let json = "[\n  {\"created\": 1, \"email\": \"ok@example.com\", \"ip\": \"x\"},\n\n  {\"created\": \"soon\",\n   \"email\": \"b@example.com\", \"ip\": \"x\"}\n]";
    let out = import_bytes(
        "spam_reports.json",
        json.as_bytes(),
        &ImportOptions::new("s"),
    )
    .unwrap();
    assert_eq!(
        out.rejects
            .iter()
            .map(|r| (r.line, r.code.as_str()))
            .collect::<Vec<_>>(),
        vec![(4, "bad_date")]
    );
    assert_eq!(out.records[0].provenance.line, 2);
}

#[test]
fn an_empty_api_dump_is_an_empty_export_but_an_error_reply_is_not_one() {
    let opts = ImportOptions::new("sg");
    for empty in [
        &b"[]"[..],
        b" [ ]\n",
        br#"{"items": [], "paging": {"next": "x"}}"#,
    ] {
        let imported = import_bytes("bounces.json", empty, &opts).unwrap();
        assert_eq!((imported.records.len(), imported.rows_read), (0, 0));
        assert!(imported.rejects.is_empty());
    }
    // A saved error reply holds no list at all: not silently nothing.
    let err = import_bytes("bounces.json", br#"{"error": "unauthorized"}"#, &opts).unwrap_err();
    assert_eq!(err.code(), "unknown_format");
}

/// A "do-not-mail.txt": one address per line, no header, a blank line, CRLF endings, a line
/// that is not an address.
const DO_NOT_MAIL: &str = "bob@example.com\r\n\r\nnot-an-address\r\n Eve@Example.org \r\n";

#[test]
fn a_bare_address_list_is_read_as_manual_blocks_on_all_mail() {
    use mailhygiene::suppression::{Reason, Scope};
    assert_eq!(
        detect("dnc.txt", DO_NOT_MAIL.as_bytes()),
        Some(System::Generic)
    );
    let imported = import_bytes(
        "dnc.txt",
        DO_NOT_MAIL.as_bytes(),
        &ImportOptions::new("crm"),
    )
    .unwrap();
    assert_eq!(imported.system, System::Generic);
    let got: Vec<(&str, Reason, &Scope, u64)> = imported
        .records
        .iter()
        .map(|r| (&*r.canonical, r.reason, &r.scope, r.provenance.line))
        .collect();
    assert_eq!(
        got,
        [
            ("bob@example.com", Reason::Manual, &Scope::All, 1),
            ("eve@example.org", Reason::Manual, &Scope::All, 4),
        ]
    );
    // The line that is not an address is a reject at its line in the file, not dropped.
    let rejects: Vec<(u64, &str)> = imported
        .rejects
        .iter()
        .map(|r| (r.line, r.code.as_str()))
        .collect();
    assert_eq!(rejects, [(3, "missing_at")]);
    assert_eq!((imported.rows_read, imported.rows_used), (3, 2));
    // Two cells on the first line stay the SES import CSV; a header stays a header.
    assert_eq!(
        detect("a.csv", b"bob@example.com,BOUNCE\n"),
        Some(System::Ses)
    );
    assert_eq!(detect("a.csv", b"email\nbob@example.com\n"), None);
}

#[test]
fn a_bare_address_list_loads_from_a_path() {
    use mailhygiene::suppression::{MailKind, Reason, SuppressionList};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("do-not-mail.txt");
    std::fs::write(&path, DO_NOT_MAIL).unwrap();
    let mut list = SuppressionList::default();
    let summary = list.load_path(&path, None, "crm").unwrap();
    assert_eq!(summary.files[0].format, "generic");
    assert_eq!(summary.files[0].records.get("manual"), Some(&2));
    assert_eq!(summary.rejects.len(), 1);
    assert_eq!(summary.rejects[0].line, 3);
    for kind in [MailKind::Marketing, MailKind::Critical] {
        assert_eq!(
            list.blocked_key("eve@example.org", kind),
            Some(Reason::Manual)
        );
    }
    let s = list.status("Bob@Example.com", None);
    assert_eq!(s.sources, ["generic:crm"]);
    assert!(!list.status("ann@example.com", None).suppressed);
}

/// As Excel on Windows saves a CSV: Windows-1252, `é` `ô` as 0xE9 0xF4 and curly quotes as
/// 0x93 0x94 (Windows-1252 code page table, www.unicode.org/Public/MAPPINGS/VENDORS/MICSFT/
/// WINDOWS/CP1252.TXT).
const CP1252: &[u8] =
    b"email,reason,note\r\nann@example.com,bounce,\x93moved\x94\r\nj\xe9r\xf4me@example.com,bounce,x\r\n";

/// A CRM's export, read as generic CSV.
fn crm() -> ImportOptions {
    ImportOptions::new("s").generic(GenericColumns {
        email: "email".into(),
        default_reason: Some(Reason::HardBounce),
        ..Default::default()
    })
}

#[test]
fn windows_1252_is_refused_with_its_line_or_decoded_when_given() {
    let e = import_bytes("crm.csv", CP1252, &crm()).unwrap_err();
    assert_eq!(e.code(), "not_utf8");
    let message = e.to_string();
    assert!(
        message.starts_with("crm.csv: line 2, column 24: byte 0x93 is not UTF-8"),
        "{message}"
    );
    assert!(message.contains("it looks like windows-1252"), "{message}");

    let cp1252 = "windows-1252".parse().unwrap();
    let opts = crm().encoding(cp1252);
    let imported = import_bytes("crm.csv", CP1252, &opts).unwrap();
    let addresses: Vec<&str> = imported
        .records
        .iter()
        .map(|r| r.address.as_str())
        .collect();
    assert_eq!(addresses, ["ann@example.com", "jérôme@example.com"]);
    assert!(imported.rejects.is_empty(), "{:?}", imported.rejects);

    // The same file through a list load, as `merge` reads it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.csv");
    std::fs::write(&path, CP1252).unwrap();
    let mut list = mailhygiene::suppression::SuppressionList::default();
    let e = list.load_path_with(&path, &crm()).unwrap_err();
    assert_eq!(e.code(), "not_utf8");
    list.load_path_with(&path, &opts).unwrap();
    list.finalize();
    assert!(list
        .blocking(
            "jérôme@example.com",
            mailhygiene::suppression::MailKind::Marketing
        )
        .is_some());

    // A UTF-8 file stays UTF-8: "é" is not read as the two Windows-1252 characters "Ã©".
    let utf8 = "email,reason\njérôme@example.com,bounce\n";
    let imported = import_bytes("crm.csv", utf8.as_bytes(), &opts).unwrap();
    assert_eq!(imported.records[0].address, "jérôme@example.com");

    let e = "windows-9999"
        .parse::<mailhygiene::text::Encoding>()
        .map_err(ImportError::from)
        .unwrap_err();
    assert_eq!(e.code(), "unknown_encoding");
    assert!(e.to_string().contains("\"windows-9999\""), "{e}");
}

#[test]
fn utf16_with_a_byte_order_mark_is_read() {
    // Excel's "Unicode text": UTF-16LE with a byte order mark, tab-separated.
    let bytes: Vec<u8> = "\u{feff}email\treason\njérôme@example.com\tbounce\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let imported = import_bytes("bounces.txt", &bytes, &ImportOptions::new("s")).unwrap();
    assert_eq!(imported.records[0].address, "jérôme@example.com");
    assert_eq!(detect("bounces.txt", &bytes), Some(System::Ses));
}
