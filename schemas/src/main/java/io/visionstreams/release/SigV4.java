package io.visionstreams.release;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 (header-based), the parts an S3 client needs: canonical request, string to sign,
 * signing-key derivation and the Authorization header. Pure functions, so each step can be checked against
 * the worked examples in AWS's documentation.
 */
public final class SigV4 {

    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    /** SHA-256 of the empty payload (GET, HEAD). */
    public static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private SigV4() {
    }

    /** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
    public static byte[] signingKey(String secretKey, String date, String region, String service) {
        byte[] k = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        k = hmac(k, region);
        k = hmac(k, service);
        return hmac(k, "aws4_request");
    }

    /**
     * The canonical request. {@code headers}: lower-case names → values, every header that is signed; values
     * are trimmed and inner runs of spaces collapsed, as the specification says.
     */
    public static String canonicalRequest(String method, String canonicalUri, String canonicalQuery,
                                          SortedMap<String, String> headers, String payloadSha256) {
        StringBuilder sb = new StringBuilder();
        sb.append(method).append('\n').append(canonicalUri).append('\n').append(canonicalQuery).append('\n');
        for (Map.Entry<String, String> h : headers.entrySet()) {
            sb.append(h.getKey()).append(':').append(h.getValue().trim().replaceAll(" +", " ")).append('\n');
        }
        sb.append('\n').append(signedHeaders(headers)).append('\n').append(payloadSha256);
        return sb.toString();
    }

    public static String signedHeaders(SortedMap<String, String> headers) {
        return String.join(";", headers.keySet());
    }

    public static String scope(String date, String region, String service) {
        return date + "/" + region + "/" + service + "/aws4_request";
    }

    public static String stringToSign(String amzDate, String scope, String canonicalRequest) {
        return ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    }

    public static String signature(byte[] signingKey, String stringToSign) {
        return HexFormat.of().formatHex(hmac(signingKey, stringToSign));
    }

    /** The Authorization header value for a request with these signed headers ({@code amzDate} = yyyyMMdd'T'HHmmss'Z'). */
    public static String authorization(String accessKey, String secretKey, String region, String service, String amzDate,
                                       String method, String canonicalUri, String canonicalQuery,
                                       SortedMap<String, String> headers, String payloadSha256) {
        String date = amzDate.substring(0, 8);
        String scope = scope(date, region, service);
        String toSign = stringToSign(amzDate, scope, canonicalRequest(method, canonicalUri, canonicalQuery, headers, payloadSha256));
        return ALGORITHM + " Credential=" + accessKey + "/" + scope + ",SignedHeaders=" + signedHeaders(headers)
                + ",Signature=" + signature(signingKey(secretKey, date, region, service), toSign);
    }

    /** S3's URI encoding: everything but A-Z a-z 0-9 - . _ ~ percent-encoded (UTF-8), '/' kept when {@code keepSlash}. */
    public static String uriEncode(String s, boolean keepSlash) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
                    || c == '~' || (keepSlash && c == '/')) {
                sb.append(c);
            } else {
                sb.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    public static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(ReleaseFetcher.sha256().digest(data));
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
