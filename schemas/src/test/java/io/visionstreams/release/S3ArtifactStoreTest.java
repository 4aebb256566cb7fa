package io.visionstreams.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.visionstreams.schema.ModelRelease;

/**
 * The S3 store against an in-JVM fake bucket that authenticates every request by recomputing its SigV4
 * signature with code of its own, and the signing steps against the worked examples in AWS's documentation.
 */
class S3ArtifactStoreTest {

    private static final String ACCESS = "AKIDTEST";
    private static final String SECRET = "test/secret+key";
    private static final String REGION = "eu-test-1";

    @TempDir
    Path tmp;
    private HttpServer server;
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final Map<String, String> meta = new ConcurrentHashMap<>();
    private final List<String> log = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private S3ArtifactStore store(String secret) {
        return new S3ArtifactStore(URI.create("s3://releases/prod/v1"), Map.of("endpoint", "http://127.0.0.1:" + server.getAddress().getPort(),
                "region", REGION, "access-key", ACCESS, "secret-key", secret), k -> null, Clock.systemUTC());
    }

    // ------------------------------------------------------------------ AWS documentation examples (facts)

    @Test
    void signingKeyMatchesAwsDerivationExample() {
        // AWS General Reference, "deriving a signing key": secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20120215, us-east-1, iam
        byte[] k = SigV4.signingKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
        assertEquals("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d", HexFormat.of().formatHex(k));
    }

    @Test
    void s3GetObjectExampleFromAwsDocumentation() {
        // Amazon S3 API reference, SigV4 header authentication, "Example: GET Object" (first 10 bytes of test.txt)
        TreeMap<String, String> h = new TreeMap<>();
        h.put("host", "examplebucket.s3.amazonaws.com");
        h.put("range", "bytes=0-9");
        h.put("x-amz-content-sha256", SigV4.EMPTY_SHA256);
        h.put("x-amz-date", "20130524T000000Z");
        String canonical = SigV4.canonicalRequest("GET", "/test.txt", "", h, SigV4.EMPTY_SHA256);
        String toSign = SigV4.stringToSign("20130524T000000Z", SigV4.scope("20130524", "us-east-1", "s3"), canonical);
        assertTrue(toSign.endsWith("\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"), toSign);
        String auth = SigV4.authorization("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3",
                "20130524T000000Z", "GET", "/test.txt", "", h, SigV4.EMPTY_SHA256);
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", auth);
    }

    @Test
    void uriEncodingFollowsS3Rules() {
        assertEquals("a/b%20c/d~e_f-g.h%2B%C3%A9", SigV4.uriEncode("a/b c/d~e_f-g.h+é", true));
        assertEquals("a%2Fb", SigV4.uriEncode("a/b", false));
    }

    // ------------------------------------------------------------------ against the fake bucket

    @Test
    void putOpenAndImmutability() throws Exception {
        S3ArtifactStore s = store(SECRET);
        Path f = Files.write(tmp.resolve("model.onnx"), "onnx bytes".getBytes());
        URI uri = s.put("det", "1", "model.onnx", f);
        assertEquals(URI.create("det/1/model.onnx"), uri);
        assertArrayEquals("onnx bytes".getBytes(), objects.get("/releases/prod/v1/det/1/model.onnx"));
        try (InputStream in = s.open(uri)) {
            assertArrayEquals("onnx bytes".getBytes(), in.readAllBytes());
        }
        try (InputStream in = s.open(URI.create("s3://releases/prod/v1/det/1/model.onnx"))) {
            assertArrayEquals("onnx bytes".getBytes(), in.readAllBytes());
        }
        int puts = count("PUT");
        assertEquals(uri, s.put("det", "1", "model.onnx", f), "same bytes again: accepted");
        assertEquals(puts, count("PUT"), "and not written again");
        Path other = Files.write(tmp.resolve("other.onnx"), "other".getBytes());
        assertThrows(FileAlreadyExistsException.class, () -> s.put("det", "1", "model.onnx", other));
        assertArrayEquals("onnx bytes".getBytes(), objects.get("/releases/prod/v1/det/1/model.onnx"));
        assertThrows(NoSuchFileException.class, () -> s.open(URI.create("det/1/missing.onnx")));
        assertThrows(IOException.class, () -> s.open(URI.create("det/../../x/y")));
        assertThrows(IOException.class, () -> s.open(URI.create("s3://other-bucket/prod/v1/det/1/model.onnx")));
    }

    @Test
    void wrongSecretIsRefusedByTheBucket() throws Exception {
        Path f = Files.write(tmp.resolve("x"), new byte[] {1});
        IOException e = assertThrows(IOException.class, () -> store("wrong").put("det", "1", "x", f));
        assertTrue(e.getMessage().contains("HTTP 403"), e.getMessage());
        assertTrue(objects.isEmpty());
    }

    @Test
    void releaseRoundTripThroughS3() throws Exception {
        S3ArtifactStore s = store(SECRET);
        byte[] onnx = new byte[300_000];
        new java.util.Random(9).nextBytes(onnx);
        KeyPair kp = ReleaseKeys.generate();
        ModelRelease r = ReleaseSigning.sign(ReleaseFixtures.stored(s, Files.createDirectories(tmp.resolve("w")), "det", "3",
                Map.of(ArtifactKinds.ONNX, onnx)), kp.getPrivate(), kp.getPublic());
        FetchedRelease fetched = new ReleaseFetcher(s, TrustedKeys.of(kp.getPublic()), tmp.resolve("cache"))
                .fetch(SignedRelease.of(r));
        assertArrayEquals(onnx, Files.readAllBytes(fetched.require(ArtifactKinds.ONNX)));
        // the bucket serves different bytes: the fetch fails on the checksum
        objects.get("/releases/prod/v1/det/3/onnx.bin")[5] ^= 1;
        Files.delete(fetched.require(ArtifactKinds.ONNX));
        assertEquals(RejectReason.CHECKSUM_MISMATCH, assertThrows(ReleaseRejectedException.class,
                () -> new ReleaseFetcher(s, TrustedKeys.of(kp.getPublic()), tmp.resolve("cache"))
                        .fetch(SignedRelease.of(r))).reason());
        assertTrue(ArtifactStore.forUri(URI.create("s3://b/p"), Map.of("access-key", "a", "secret-key", "s")) instanceof S3ArtifactStore);
    }

    @Test
    void missingCredentialsAreAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new S3ArtifactStore(URI.create("s3://b/p"), Map.of(), k -> null, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC)));
        assertTrue(e.getMessage().contains("AWS_ACCESS_KEY_ID"), e.getMessage());
    }

    private int count(String method) {
        synchronized (log) {
            return (int) log.stream().filter(l -> l.startsWith(method + " ")).count();
        }
    }

    // ------------------------------------------------------------------ the fake bucket

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            byte[] body = x.getRequestBody().readAllBytes();
            String method = x.getRequestMethod();
            String path = x.getRequestURI().getRawPath();
            synchronized (log) {
                log.add(method + " " + path);
            }
            String problem = checkSignature(x, method, path, body);
            if (problem != null) {
                reply(x, 403, "<Error><Code>SignatureDoesNotMatch</Code><Message>" + problem + "</Message></Error>");
                return;
            }
            String key = java.net.URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
            switch (method) {
                case "PUT" -> {
                    if ("*".equals(x.getRequestHeaders().getFirst("If-None-Match")) && objects.containsKey(key)) {
                        reply(x, 412, "<Error><Code>PreconditionFailed</Code></Error>");
                        return;
                    }
                    objects.put(key, body);
                    String sha = x.getRequestHeaders().getFirst("x-amz-meta-sha256");
                    if (sha != null) {
                        meta.put(key, sha);
                    }
                    reply(x, 200, "");
                }
                case "HEAD", "GET" -> {
                    byte[] o = objects.get(key);
                    if (o == null) {
                        if (method.equals("HEAD")) {
                            x.sendResponseHeaders(404, -1);
                        } else {
                            reply(x, 404, "<Error><Code>NoSuchKey</Code></Error>");
                        }
                        return;
                    }
                    if (meta.containsKey(key)) {
                        x.getResponseHeaders().add("x-amz-meta-sha256", meta.get(key));
                    }
                    if (method.equals("HEAD")) {
                        x.sendResponseHeaders(200, -1);
                    } else {
                        x.sendResponseHeaders(200, o.length);
                        try (OutputStream out = x.getResponseBody()) {
                            out.write(o);
                        }
                    }
                }
                default -> reply(x, 405, "");
            }
        }
    }

    /** Independent SigV4 check of a received request: null when valid, else what is wrong. */
    private static String checkSignature(HttpExchange x, String method, String rawPath, byte[] body) throws IOException {
        String auth = x.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 ")) {
            return "no SigV4 Authorization header";
        }
        Map<String, String> parts = new TreeMap<>();
        for (String p : auth.substring("AWS4-HMAC-SHA256 ".length()).split(",")) {
            String[] kv = p.trim().split("=", 2);
            parts.put(kv[0], kv[1]);
        }
        String[] cred = parts.get("Credential").split("/");
        if (!cred[0].equals(ACCESS) || !cred[2].equals(REGION) || !cred[3].equals("s3") || !cred[4].equals("aws4_request")) {
            return "bad credential scope " + parts.get("Credential");
        }
        String amzDate = x.getRequestHeaders().getFirst("x-amz-date");
        if (amzDate == null || !amzDate.startsWith(cred[1])) {
            return "x-amz-date does not match the scope date";
        }
        String payloadHash = x.getRequestHeaders().getFirst("x-amz-content-sha256");
        String actual = hex(sha256(body));
        if (!actual.equals(payloadHash)) {
            return "x-amz-content-sha256 does not match the body";
        }
        List<String> signedNames = List.of(parts.get("SignedHeaders").split(";"));
        if (!signedNames.contains("host") || !signedNames.contains("x-amz-date") || !signedNames.contains("x-amz-content-sha256")) {
            return "host, x-amz-date and x-amz-content-sha256 must be signed";
        }
        StringBuilder canon = new StringBuilder(method + "\n" + rawPath + "\n" + "" + "\n");
        for (String h : signedNames) {
            String v = x.getRequestHeaders().getFirst(h);
            if (v == null) {
                return "signed header " + h + " missing";
            }
            canon.append(h).append(':').append(v.strip()).append('\n');
        }
        canon.append('\n').append(parts.get("SignedHeaders")).append('\n').append(payloadHash);
        String scope = cred[1] + "/" + cred[2] + "/" + cred[3] + "/" + cred[4];
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canon.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] k = mac(("AWS4" + SECRET).getBytes(StandardCharsets.UTF_8), cred[1]);
        for (String s : new String[] {cred[2], cred[3], cred[4]}) {
            k = mac(k, s);
        }
        String expected = hex(mac(k, toSign));
        return expected.equals(parts.get("Signature")) ? null : "signature mismatch";
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = x.getRequestMethod().equals("HEAD") ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(b);
            }
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] mac(byte[] key, String data) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte v : b) {
            sb.append(Character.forDigit((v >> 4) & 0xf, 16)).append(Character.forDigit(v & 0xf, 16));
        }
        return sb.toString();
    }
}
