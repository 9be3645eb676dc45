package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;

import io.berth.api.Berth;

/** The access line's fields, formats and quoting, without a server. */
class AccessLogTemplateTest {

    /** Fri Aug  1 13:05:09 2025 UTC and a fraction. */
    private static final long START = 1_754_053_509_123_456_789L;

    private static final AccessLogTemplate.Options PLAIN = new AccessLogTemplate.Options(false, 16, false, Set.of());

    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private final Map<String, Object> attributes = new HashMap<>();
    private String uri = "/v1/a/c/o";
    private String query;
    private int status = 200;
    private boolean committed = true;

    @Test
    void writesSwiftsDefaultLine() {
        header("User-Agent", "curl/8.5.0");
        header("Referer", "http://example.com/page");
        header("X-Auth-Token", "AUTH_tk0123456789abcdef0123456789");
        header("Etag", "d41d8cd98f00b204e9800998ecf8427e");
        attributes.put(Berth.TRANS_ID_ATTRIBUTE, "txabc-0068b4b6c5");
        AccessRecord record = record();
        record.bytesReceived = 5;
        record.bytesSent = 1234;
        record.end(record.startNanoTime + 1_500_049_999L);

        assertThat(line(AccessLogTemplate.DEFAULT, PLAIN, record)).isEqualTo(
                "192.0.2.7 192.0.2.7 01/Aug/2025/13/05/10 PUT /v1/a/c/o HTTP/1.1 200 http://example.com/page "
                        + "curl/8.5.0 AUTH_tk012345678... 5 1234 d41d8cd98f00b204e9800998ecf8427e txabc-0068b4b6c5 "
                        + "- 1.5000 - - 1754053509.123456789 1754053510.623506788");
    }

    @Test
    void emptyAndZeroValuesAreADash() {
        AccessRecord record = ended(200);

        assertThat(line("{referer} {user_agent} {auth_token} {bytes_recvd} {bytes_sent} {client_etag} "
                + "{transaction_id} {headers} {source} {log_info}", PLAIN, record))
                .isEqualTo("- - - - - - - - - -");
    }

    @Test
    void logInfoHoldsBerthsNotesOnTheRequest() {
        attributes.put(Berth.LOG_INFO_ATTRIBUTE, "waited 12 ms for ratelimit");

        assertThat(line("{log_info}", PLAIN, ended(200))).isEqualTo("waited%2012%20ms%20for%20ratelimit");
    }

    @Test
    void quotesAsPythonsQuoteWithColonSlashAndBracesSafe() {
        uri = "/v1/a%20b/\u00e9";
        query = "x=1&y=%20";
        header("User-Agent", "Mozilla/5.0 (X11; Linux) \uD83D\uDE00 {}:~\"\r\n");

        AccessRecord record = ended(200);

        assertThat(line("{path}", PLAIN, record)).isEqualTo("/v1/a%2520b/%C3%A9%3Fx%3D1%26y%3D%2520");
        assertThat(line("{user_agent}", PLAIN, record))
                .isEqualTo("Mozilla/5.0%20%28X11%3B%20Linux%29%20%F0%9F%98%80%20{}:~%22%0D%0A");
    }

    @Test
    void textBetweenFieldsIsKeptAndDoubledBracesAreLiteral() {
        AccessRecord record = ended(404);

        assertThat(line("status={status_int} {{x}} [{method}]", PLAIN, record)).isEqualTo("status=404 {x} [PUT]");
    }

    @Test
    void cutsTheAuthTokenToTheRevealedPrefix() {
        header("X-Auth-Token", "0123456789abcdefXYZ");
        AccessRecord record = ended(200);

        assertThat(line("{auth_token}", PLAIN, record)).isEqualTo("0123456789abcdef...");
        assertThat(line("{auth_token}", new AccessLogTemplate.Options(false, 4, false, Set.of()), record))
                .isEqualTo("0123...");
        assertThat(line("{auth_token}", new AccessLogTemplate.Options(false, 0, false, Set.of()), record))
                .isEqualTo("...");
        assertThat(line("{auth_token}", new AccessLogTemplate.Options(false, 19, false, Set.of()), record))
                .isEqualTo("0123456789abcdefXYZ");
    }

    @Test
    void aTokenNoLongerThanThePrefixIsWhole() {
        header("X-Auth-Token", "0123456789abcdef");

        assertThat(line("{auth_token}", PLAIN, ended(200))).isEqualTo("0123456789abcdef");
    }

    @Test
    void requestTimeHasFourDecimals() {
        assertThat(requestTime(0)).isEqualTo("0.0000");
        assertThat(requestTime(1_234_560_000L)).isEqualTo("1.2346");
        assertThat(requestTime(49_999L)).isEqualTo("0.0000");
        assertThat(requestTime(987_654_321_000L)).isEqualTo("987.6543");
    }

    @Test
    void startAndEndTimeAreEpochSecondsWithNineDecimals() {
        AccessRecord record = record();
        record.end(record.startNanoTime + 2_000_000_211L);

        assertThat(line("{start_time} {end_time}", PLAIN, record))
                .isEqualTo("1754053509.123456789 1754053511.123457000");
    }

    @Test
    void timeFormatsAreSwiftsAndPythonsStrftimeInUtc() {
        // Expected values from Python: time.strftime / datetime.strftime of the same instant.
        long t = 1_754_053_509_000_000_000L + 7_654_321;
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("datetime", "01/Aug/2025/13/05/09");
        expected.put("iso8601", "2025-08-01T13:05:09");
        expected.put("asctime", "Fri Aug  1 13:05:09 2025");
        expected.put("s", "1754053509");
        expected.put("ms", "007");
        expected.put("us", "007654");
        expected.put("ns", "007654321");
        expected.put("a", "Fri");
        expected.put("A", "Friday");
        expected.put("b", "Aug");
        expected.put("B", "August");
        expected.put("c", "Fri Aug  1 13:05:09 2025");
        expected.put("d", "01");
        expected.put("H", "13");
        expected.put("I", "01");
        expected.put("j", "213");
        expected.put("m", "08");
        expected.put("M", "05");
        expected.put("p", "PM");
        expected.put("S", "09");
        expected.put("U", "30");
        expected.put("w", "5");
        expected.put("W", "30");
        expected.put("x", "08/01/25");
        expected.put("X", "13:05:09");
        expected.put("y", "25");
        expected.put("Y", "2025");
        expected.put("Z", "UTC");
        assertThat(expected.keySet()).containsExactlyElementsOf(AccessLogTimes.FORMATS);
        expected.forEach((format, value) ->
                assertThat(AccessLogTimes.formatTime(t, format)).as(format).isEqualTo(value));
    }

    @Test
    void weekNumbersAndTwelveHourClockAtTheEdgesOfAYear() {
        long newYear2024 = 1_704_067_200_000_000_000L;
        long lastSecondOf2024 = 1_735_689_599_000_000_000L;

        assertThat(AccessLogTimes.formatTime(newYear2024, "U")).isEqualTo("00");
        assertThat(AccessLogTimes.formatTime(newYear2024, "W")).isEqualTo("01");
        assertThat(AccessLogTimes.formatTime(newYear2024, "I")).isEqualTo("12");
        assertThat(AccessLogTimes.formatTime(newYear2024, "p")).isEqualTo("AM");
        assertThat(AccessLogTimes.formatTime(newYear2024, "w")).isEqualTo("1");
        assertThat(AccessLogTimes.formatTime(lastSecondOf2024, "U")).isEqualTo("52");
        assertThat(AccessLogTimes.formatTime(lastSecondOf2024, "W")).isEqualTo("53");
        assertThat(AccessLogTimes.formatTime(lastSecondOf2024, "j")).isEqualTo("366");
        assertThat(AccessLogTimes.formatTime(lastSecondOf2024, "asctime")).isEqualTo("Tue Dec 31 23:59:59 2024");
    }

    @Test
    void aTimeFormatInTheLineIsQuoted() {
        AccessRecord record = record();
        record.end(record.startNanoTime);

        assertThat(line("{start_time.asctime}|{end_time.iso8601}", PLAIN, record))
                .isEqualTo("Fri%20Aug%20%201%2013:05:09%202025|2025-08-01T13:05:09");
    }

    @Test
    void clientIpIsThePeerUnlessForwardedForIsTrusted() {
        header("X-Forwarded-For", " 203.0.113.9 , 198.51.100.1");
        AccessRecord record = ended(200);
        AccessLogTemplate.Options trusting = new AccessLogTemplate.Options(true, 16, false, Set.of());

        assertThat(line("{client_ip} {remote_addr}", PLAIN, record)).isEqualTo("192.0.2.7 192.0.2.7");
        assertThat(line("{client_ip} {remote_addr}", trusting, record)).isEqualTo("203.0.113.9 192.0.2.7");

        header("X-Cluster-Client-Ip", "198.51.100.77");
        assertThat(line("{client_ip}", trusting, record)).isEqualTo("198.51.100.77");
        assertThat(line("{client_ip}", PLAIN, record)).isEqualTo("192.0.2.7");
    }

    @Test
    void anEmptyForwardedForFallsBackToThePeer() {
        header("X-Forwarded-For", " , 198.51.100.1");

        assertThat(line("{client_ip}", new AccessLogTemplate.Options(true, 16, false, Set.of()), ended(200)))
                .isEqualTo("192.0.2.7");
    }

    @Test
    void headersAreLoggedOnlyWhenAskedWithSecretsCut() {
        header("Host", "example.com");
        header("X-Auth-Token", "0123456789abcdefSECRET");
        header("Cookie", "session=0123456789abcdefSECRET");
        header("Accept", "text/plain");
        header("Accept", "*/*");
        AccessRecord record = ended(200);

        assertThat(line("{headers}", PLAIN, record)).isEqualTo("-");
        assertThat(line("{headers}", new AccessLogTemplate.Options(false, 16, true, Set.of()), record))
                .isEqualTo("Host:%20example.com%0AX-Auth-Token:%200123456789abcdef...%0A"
                        + "Cookie:%20session%3D01234567...%0AAccept:%20text/plain%0AAccept:%20%2A/%2A");
        assertThat(line("{headers}", new AccessLogTemplate.Options(false, 16, true, Set.of("host", "accept")), record))
                .isEqualTo("Host:%20example.com%0AAccept:%20text/plain%0AAccept:%20%2A/%2A");
    }

    @Test
    void accessUserIdIsWhatTheAuthStageLeft() {
        assertThat(line("{access_user_id}", PLAIN, ended(401))).isEqualTo("-");

        attributes.put(AccessLogTemplate.ACCESS_USER_ATTRIBUTE, "test:tes ter");
        assertThat(line("{access_user_id}", PLAIN, ended(200))).isEqualTo("test:tes%20ter");
    }

    @Test
    void traceIdIsCatchErrorsTraceparentsElseAValidHeadersElseNone() {
        assertThat(line("{trace_id}", PLAIN, ended(200))).isEqualTo("-");

        header("traceparent", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01");
        assertThat(line("{trace_id}", PLAIN, ended(200))).as("uppercase: invalid").isEqualTo("-");

        headers.clear();
        header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(line("{trace_id}", PLAIN, ended(200))).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");

        attributes.put(CatchErrorsFilter.TRACEPARENT_ATTRIBUTE, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00");
        assertThat(line("{trace_id}", PLAIN, ended(200))).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    }

    @Test
    void tempauthKeysAreNeverShownNotEvenInPart() {
        header("X-Auth-User", "test:tester");
        header("X-Auth-Key", "testing");
        header("X-Storage-Pass", "0123456789abcdefSECRET");

        assertThat(line("{headers}", new AccessLogTemplate.Options(false, 16, true, Set.of()), ended(401)))
                .isEqualTo("X-Auth-User:%20test:tester%0AX-Auth-Key:%20...%0AX-Storage-Pass:%20...");
    }

    @Test
    void statusIs499WhenTheClientWentAwayAnd500WhenAnExceptionEscaped() {
        AccessRecord gone = record();
        gone.clientIoFailed = true;
        gone.end(gone.startNanoTime);
        AccessRecord wrapped = record();
        wrapped.failure = new ServletException("upload", new IOException(new EOFException("Early EOF")));
        wrapped.end(wrapped.startNanoTime);
        AccessRecord failed = record();
        failed.failure = new IllegalStateException("bug");
        failed.bytesSent = 100;
        committed = false;
        failed.end(failed.startNanoTime);

        assertThat(line("{status_int} {wire_status_int}", PLAIN, gone)).isEqualTo("499 200");
        assertThat(line("{status_int} {wire_status_int}", PLAIN, wrapped)).isEqualTo("499 200");
        assertThat(line("{status_int} {wire_status_int} {bytes_sent}", PLAIN, failed)).isEqualTo("500 500 -");
    }

    @Test
    void domainAndPid() {
        AccessRecord record = ended(200);

        assertThat(line("{domain} {pid}", PLAIN, record))
                .isEqualTo("example.org " + ProcessHandle.current().pid());
    }

    @Test
    void rejectsUnknownFieldsNamingTheKnownOnes() {
        assertThatThrownBy(() -> AccessLogTemplate.parse("{client_ip} {foo}", PLAIN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("log_msg_template: unknown field {foo}; known: client_ip, remote_addr, end_time, "
                        + "method, path, protocol, status_int, referer, user_agent, auth_token, bytes_recvd, "
                        + "bytes_sent, client_etag, transaction_id, headers, request_time, source, log_info, "
                        + "start_time, domain, pid, wire_status_int, access_user_id, trace_id");
        assertThatThrownBy(() -> AccessLogTemplate.parse("{policy_index}", PLAIN))
                .hasMessageStartingWith("log_msg_template: unknown field {policy_index}; known: client_ip, ");
        assertThatThrownBy(() -> AccessLogTemplate.parse("{}", PLAIN))
                .hasMessageStartingWith("log_msg_template: unknown field {}; known: ");
    }

    @Test
    void rejectsBadFormatsAndBraces() {
        assertThatThrownBy(() -> AccessLogTemplate.parse("{end_time.fortnight}", PLAIN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("log_msg_template: {end_time.fortnight}: unknown time format fortnight; known: "
                        + "datetime, iso8601, asctime, s, ms, us, ns, a, A, b, B, c, d, H, I, j, m, M, p, S, U, "
                        + "w, W, x, X, y, Y, Z");
        assertThatThrownBy(() -> AccessLogTemplate.parse("{method.upper}", PLAIN))
                .hasMessage("log_msg_template: {method.upper}: only start_time and end_time have formats");
        assertThatThrownBy(() -> AccessLogTemplate.parse("{method:>8}", PLAIN))
                .hasMessage("log_msg_template: {method:>8}: conversions (!) and format specs (:) are not supported");
        assertThatThrownBy(() -> AccessLogTemplate.parse("{method!r}", PLAIN))
                .hasMessage("log_msg_template: {method!r}: conversions (!) and format specs (:) are not supported");
        assertThatThrownBy(() -> AccessLogTemplate.parse("{method", PLAIN))
                .hasMessage("log_msg_template: '{' at position 0 is not closed; write '{{' for a literal one");
        assertThatThrownBy(() -> AccessLogTemplate.parse("x {method {path}", PLAIN))
                .hasMessage("log_msg_template: '{' at position 2 is not closed; write '{{' for a literal one");
        assertThatThrownBy(() -> AccessLogTemplate.parse("{method} }", PLAIN))
                .hasMessage("log_msg_template: single '}' at position 9; write '}}' for a literal one");
        assertThatThrownBy(() -> AccessLogTemplate.parse("  ", PLAIN))
                .hasMessage("log_msg_template: empty; the default is " + AccessLogTemplate.DEFAULT);
    }

    @Test
    void charactersCountAsTheirEncodedBytes() {
        String text = "h\u00e9\u20ac\uD83D\uDE00";

        assertThat(CharBytes.of("UTF-8").count(text, 0, text.length())).isEqualTo(1 + 2 + 3 + 4);
        assertThat(CharBytes.of(null).count(text.toCharArray(), 0, text.length())).isEqualTo(10);
        assertThat(CharBytes.of("iso-8859-1").count(text, 0, 2)).isEqualTo(2);
        assertThat(CharBytes.of("UTF-16BE").count(text, 0, 2)).isEqualTo(4);
        assertThat(CharBytes.of("windows-1252").count(text, 0, 3)).isEqualTo(3);
        assertThat(CharBytes.of("no-such-charset").count('\u00e9')).isEqualTo(2);
    }

    private String requestTime(long nanos) {
        AccessRecord record = record();
        record.end(record.startNanoTime + nanos);
        return line("{request_time}", PLAIN, record);
    }

    private AccessRecord ended(int responseStatus) {
        status = responseStatus;
        AccessRecord record = record();
        record.end(record.startNanoTime + 1_000_000L);
        return record;
    }

    private static String line(String template, AccessLogTemplate.Options options, AccessRecord record) {
        return AccessLogTemplate.parse(template, options).format(record);
    }

    private void header(String name, String value) {
        headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }

    private AccessRecord record() {
        return new AccessRecord(request(), response(), START, 1_000_000_000L);
    }

    /** A request answering what the fields read, from this test's fields. */
    private HttpServletRequest request() {
        return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getHeader":
                            List<String> values = values((String) args[0]);
                            return values.isEmpty() ? null : values.get(0);
                        case "getHeaders":
                            return Collections.enumeration(values((String) args[0]));
                        case "getHeaderNames":
                            return Collections.enumeration(headers.keySet());
                        case "getRemoteAddr":
                            return "192.0.2.7";
                        case "getMethod":
                            return "PUT";
                        case "getRequestURI":
                            return uri;
                        case "getQueryString":
                            return query;
                        case "getProtocol":
                            return "HTTP/1.1";
                        case "getServerName":
                            return "example.org";
                        case "getAttribute":
                            return attributes.get((String) args[0]);
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private List<String> values(String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)))
                .map(Map.Entry::getValue).findFirst().orElse(List.of());
    }

    private HttpServletResponse response() {
        return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getStatus":
                            return status;
                        case "isCommitted":
                            return committed;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
