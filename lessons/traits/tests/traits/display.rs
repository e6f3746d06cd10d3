//! Exercise 2: text both ways, with `Display` and `FromStr`.

use proptest::prelude::*;
use traits::display::{ParseProtocolError, ParseServiceError};
use traits::server::{Protocol, Service};

fn parse(text: &str) -> Result<Service, ParseServiceError> {
    text.parse::<Service>()
}

fn protocol_error(input: &str) -> ParseServiceError {
    ParseServiceError::Protocol(ParseProtocolError {
        input: input.to_string(),
    })
}

fn bad_port(entry: &str) -> ParseServiceError {
    ParseServiceError::BadPort(entry.to_string())
}

// Catches: the Debug spelling (`Tcp`) or upper case.
// [gallery: display-protocol-debug-spelling]
#[test]
fn protocols_display_in_lower_case() {
    assert_eq!(Protocol::Tcp.to_string(), "tcp");
    assert_eq!(Protocol::Udp.to_string(), "udp");
}

// Catches: a `Display` that writes the text with `write_str` or `write!`,
// which ignore the width and alignment the stub promises (`{:>5}`).
// [gallery: display-protocol-ignores-width]
#[test]
fn protocols_honour_width_and_alignment() {
    assert_eq!(format!("{:>5}", Protocol::Tcp), "  tcp");
    assert_eq!(format!("{:<5}|", Protocol::Udp), "udp  |");
    assert_eq!(format!("{:^7}", Protocol::Tcp), "  tcp  ");
    assert_eq!(
        format!("{:5}|", Protocol::Tcp),
        "tcp  |",
        "text is left-aligned"
    );
    assert_eq!(format!("{:-<6}", Protocol::Udp), "udp---");
}

// Catches: a case-sensitive protocol parser.
// [gallery: display-protocol-parse-case-sensitive]
#[test]
fn protocols_parse_in_any_case() {
    for (text, expected) in [
        ("tcp", Protocol::Tcp),
        ("TCP", Protocol::Tcp),
        ("Tcp", Protocol::Tcp),
        ("udp", Protocol::Udp),
        ("UDP", Protocol::Udp),
        ("uDp", Protocol::Udp),
    ] {
        assert_eq!(text.parse::<Protocol>(), Ok(expected), "{text:?}");
    }
}

// Catches: an error that does not keep the input as given (lower-cased, say),
// or a parser that accepts a prefix (`tcpx`) or trims.
// [gallery: display-protocol-parse-trims,
// display-protocol-parse-accepts-prefix, display-protocol-error-loses-input]
#[test]
fn an_unknown_protocol_is_an_error_carrying_the_input() {
    for text in ["sctp", "", "tcpx", "tc", " tcp", "udp\n", "SCTP", "Udp6"] {
        assert_eq!(
            text.parse::<Protocol>(),
            Err(ParseProtocolError {
                input: text.to_string()
            }),
            "{text:?}"
        );
    }
}

// Catches: ports sorted, deduplicated or spaced, or the protocol written with
// its Debug spelling.
// [gallery: display-protocol-debug-spelling, display-ports-sorted,
// display-ports-deduplicated, display-ports-spaced,
// display-service-protocol-debug]
#[test]
fn services_display_as_name_ports_protocol() {
    let cases = [
        (
            Service::new("http", &[80, 8080], Protocol::Tcp),
            "http:80,8080/tcp",
        ),
        (Service::new("dns", &[53], Protocol::Udp), "dns:53/udp"),
        (
            Service::new("alt", &[8443, 443, 1], Protocol::Tcp),
            "alt:8443,443,1/tcp",
        ),
        // A `Service` is plain data: it displays what it holds.
        (
            Service::new("odd", &[80, 80], Protocol::Tcp),
            "odd:80,80/tcp",
        ),
    ];
    for (service, text) in cases {
        assert_eq!(service.to_string(), text);
    }
}

#[test]
fn services_parse_from_their_text() {
    assert_eq!(
        parse("http:80,8080/tcp"),
        Ok(Service::new("http", &[80, 8080], Protocol::Tcp))
    );
    assert_eq!(
        parse("dns:53/udp"),
        Ok(Service::new("dns", &[53], Protocol::Udp))
    );
}

// Catches: a service parser that compares the protocol case-sensitively, or
// that changes the case of the name.
// [gallery: display-protocol-parse-case-sensitive, display-name-lowercased,
// display-service-protocol-case-sensitive]
#[test]
fn the_protocol_of_a_service_parses_in_any_case() {
    assert_eq!(
        parse("DNS:53/UDP"),
        Ok(Service::new("DNS", &[53], Protocol::Udp))
    );
    assert_eq!(
        parse("Web:443/Tcp"),
        Ok(Service::new("Web", &[443], Protocol::Tcp))
    );
}

// Catches: a parser that does not trim the line (a name of "  ssh", or a
// protocol of "tcp\n").
// [gallery: display-line-not-trimmed]
#[test]
fn whitespace_around_the_text_is_ignored() {
    assert_eq!(
        parse("  ssh:22/tcp\n"),
        Ok(Service::new("ssh", &[22], Protocol::Tcp))
    );
    assert_eq!(
        parse("\tntp:123/udp "),
        Ok(Service::new("ntp", &[123], Protocol::Udp))
    );
}

// Catches: a parser that trims each port entry (the rule: only the whole text
// is trimmed).
// [gallery: display-port-entries-trimmed]
#[test]
fn whitespace_inside_the_text_is_a_bad_port() {
    assert_eq!(parse("http: 80/tcp"), Err(bad_port(" 80")));
    assert_eq!(parse("http:80, 443/tcp"), Err(bad_port(" 443")));
    assert_eq!(parse("http:80 /tcp"), Err(bad_port("80 ")));
}

// Catches: no check for the colon (a panic on indexing, or a service with the
// whole text as its name).
// [gallery: display-missing-colon-not-reported]
#[test]
fn a_missing_colon_is_reported() {
    assert_eq!(parse("http80/tcp"), Err(ParseServiceError::MissingColon));
    assert_eq!(parse(""), Err(ParseServiceError::MissingColon));
}

// Catches: an empty name accepted.
// [gallery: display-empty-name-accepted]
#[test]
fn an_empty_name_is_reported() {
    assert_eq!(parse(":80/tcp"), Err(ParseServiceError::EmptyName));
    assert_eq!(parse("  :80/tcp"), Err(ParseServiceError::EmptyName));
}

// Catches: no check for the slash (the protocol taken as a default, or the
// last port read as the protocol).
// [gallery: display-missing-slash-defaults-to-tcp]
#[test]
fn a_missing_slash_is_reported() {
    assert_eq!(parse("http:80"), Err(ParseServiceError::MissingSlash));
    assert_eq!(parse("http:80tcp"), Err(ParseServiceError::MissingSlash));
}

// Catches: an empty port list parsed as the bad port "" (or accepted).
// [gallery: display-no-ports-as-bad-port]
#[test]
fn an_empty_port_list_is_reported() {
    assert_eq!(parse("http:/tcp"), Err(ParseServiceError::NoPorts));
}

// Catches: ports parsed with `u16::from_str` alone, which accepts 0 and
// `+80`.
// [gallery: display-port-u16-from-str, display-port-zero-accepted]
#[test]
fn port_zero_and_signs_are_bad_ports() {
    assert_eq!(parse("http:0/tcp"), Err(bad_port("0")));
    assert_eq!(parse("http:80,0/tcp"), Err(bad_port("0")));
    assert_eq!(parse("http:+80/tcp"), Err(bad_port("+80")));
    assert_eq!(parse("http:-1/tcp"), Err(bad_port("-1")));
}

// Catches: an error that loses which port was wrong, numbers out of range
// wrapped or clamped (65536 wraps to 0, which is refused anyway; 65537 wraps
// to 1), empty entries skipped.
// [gallery: display-port-wraps-to-u16, display-empty-port-entries-skipped]
#[test]
fn non_numbers_and_out_of_range_ports_are_bad_ports() {
    assert_eq!(parse("http:65536/tcp"), Err(bad_port("65536")));
    assert_eq!(parse("http:65537/tcp"), Err(bad_port("65537")));
    assert_eq!(parse("http:80,70000/tcp"), Err(bad_port("70000")));
    assert_eq!(
        parse("http:4294967377/tcp"),
        Err(bad_port("4294967377")),
        "2^32 + 81 wraps to 81 in a u32"
    );
    assert_eq!(
        parse("http:99999999999999999999999/tcp"),
        Err(bad_port("99999999999999999999999"))
    );
    assert_eq!(parse("http:80,http/tcp"), Err(bad_port("http")));
    assert_eq!(parse("http:80,,443/tcp"), Err(bad_port("")));
    assert_eq!(parse("http:80,/tcp"), Err(bad_port("")));
    assert_eq!(parse("http:,80/tcp"), Err(bad_port("")));
}

// Catches: leading zeros refused ("plain digits" are digits: `0080` is port
// 80), or a length limit of five characters used as the range check.
// [gallery: display-port-leading-zero-refused,
// display-port-longer-than-5-refused]
#[test]
fn leading_zeros_are_plain_digits() {
    assert_eq!(
        parse("http:0080,000443/tcp"),
        Ok(Service::new("http", &[80, 443], Protocol::Tcp))
    );
    assert_eq!(
        parse("http:0000/tcp"),
        Err(bad_port("0000")),
        "still port 0"
    );
}

// Catches: the port range off by one at either end.
// [gallery: display-port-65535-refused, display-port-1-refused]
#[test]
fn ports_1_and_65535_are_fine() {
    assert_eq!(
        parse("edge:1,65535/udp"),
        Ok(Service::new("edge", &[1, 65535], Protocol::Udp))
    );
}

// Catches: `split(':')` that ignores the parts after the second one (would
// accept `http:80:90/tcp` as port 80).
// [gallery: display-split-ignores-second-colon]
#[test]
fn a_second_colon_is_not_ignored() {
    assert_eq!(parse("http:80:90/tcp"), Err(bad_port("80:90")));
    assert_eq!(parse("a:b:80/tcp"), Err(bad_port("b:80")));
}

// Catches: `split('/')` that ignores the parts after the second one (would
// accept `tcp/udp` as tcp).
// [gallery: display-split-ignores-second-slash]
#[test]
fn a_second_slash_is_not_ignored() {
    assert_eq!(parse("http:80/tcp/udp"), Err(protocol_error("tcp/udp")));
}

// Catches: an error type that loses which part was wrong (a protocol error
// reported as a bad port, or without the protocol text).
// [gallery: display-protocol-error-as-bad-port]
#[test]
fn a_bad_protocol_is_reported_with_its_text() {
    assert_eq!(parse("http:80/sctp"), Err(protocol_error("sctp")));
    assert_eq!(parse("http:80/"), Err(protocol_error("")));
}

// Catches: errors checked in another order than left to right.
// [gallery: display-missing-colon-not-reported,
// display-protocol-checked-before-ports, display-slash-checked-before-name]
#[test]
fn the_first_problem_from_the_left_is_the_error() {
    // No colon wins over everything else.
    assert_eq!(parse("http"), Err(ParseServiceError::MissingColon));
    // An empty name before a missing slash.
    assert_eq!(parse(":80"), Err(ParseServiceError::EmptyName));
    // A bad port before a bad protocol.
    assert_eq!(parse("http:0/sctp"), Err(bad_port("0")));
    // The first bad port, not the last.
    assert_eq!(parse("http:x,0/tcp"), Err(bad_port("x")));
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        // The tests also run against the stubs, where every case fails: keep
        // proptest from writing regression files into the learner's tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn any_protocol() -> impl Strategy<Value = Protocol> {
    prop_oneof![Just(Protocol::Tcp), Just(Protocol::Udp)]
}

fn any_service() -> impl Strategy<Value = Service> {
    (
        "[a-z][a-z0-9-]{0,15}",
        prop::collection::vec(1..=65535u16, 1..5),
        any_protocol(),
    )
        .prop_map(|(name, ports, protocol)| Service {
            name,
            ports,
            protocol,
        })
}

proptest! {
    #![proptest_config(config())]

    // Catches: any mismatch between the two directions (ports reordered or
    // deduplicated, a separator the parser does not expect).
    // [gallery: display-ports-spaced]
    #[test]
    fn parse_reads_back_what_display_writes(service in any_service()) {
        let text = service.to_string();
        prop_assert_eq!(parse(&text), Ok(service), "text: {:?}", text);
    }

    // Catches: a display that echoes the input instead of writing the
    // canonical form (lower-case protocol, no surrounding whitespace).
    #[test]
    fn display_after_parse_is_canonical(
        service in any_service(),
        upper in prop::collection::vec(any::<bool>(), 3),
        before in "[ \t]{0,3}",
        after in "[ \t\n]{0,3}",
    ) {
        let protocol = match service.protocol {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        };
        let protocol: String = protocol
            .chars()
            .zip(&upper)
            .map(|(c, &up)| if up { c.to_ascii_uppercase() } else { c })
            .collect();
        let ports: Vec<String> = service.ports.iter().map(u16::to_string).collect();
        let text = format!("{before}{}:{}/{protocol}{after}", service.name, ports.join(","));
        let parsed = parse(&text).map(|s| s.to_string());
        prop_assert_eq!(parsed, Ok(service.to_string()), "text: {:?}", text);
    }
}
