package io.visionstreams.release;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * An S3-compatible artifact store (AWS S3, MinIO, Ceph RGW, ...) over {@code java.net.http} with AWS Signature
 * Version 4, path-style addressing ({@code endpoint/bucket/key}), so custom endpoints need no DNS per bucket.
 * Objects are {@code prefix/model/version/file}.
 *
 * <p>Options (else environment): {@code region} (AWS_REGION, AWS_DEFAULT_REGION, else us-east-1),
 * {@code endpoint} (default https://s3.REGION.amazonaws.com), {@code access-key} (AWS_ACCESS_KEY_ID),
 * {@code secret-key} (AWS_SECRET_ACCESS_KEY), {@code session-token} (AWS_SESSION_TOKEN, optional).
 *
 * <p>Immutability: before a PUT the object is looked up (HEAD); an existing object is accepted only with the same
 * SHA-256 (stored as {@code x-amz-meta-sha256}, else computed by reading it). The PUT itself carries
 * {@code If-None-Match: *}, so of two concurrent publishers only one writes. Payloads are signed with their real
 * SHA-256, so the store rejects a body altered in transit.
 */
public final class S3ArtifactStore implements ArtifactStore {

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String SHA_META = "x-amz-meta-sha256";

    private final String bucket;
    private final String prefix;
    private final URI endpoint;
    private final String region;
    private final String accessKey;
    private final String secretKey;
    private final String sessionToken;
    private final HttpClient http;
    private final Clock clock;

    public S3ArtifactStore(URI base, Map<String, String> options) {
        this(base, options, System::getenv, Clock.systemUTC());
    }

    S3ArtifactStore(URI base, Map<String, String> options, Function<String, String> env, Clock clock) {
        if (!"s3".equals(base.getScheme()) || base.getHost() == null) {
            throw new IllegalArgumentException("S3 store URI must be s3://bucket[/prefix], got " + base);
        }
        this.bucket = base.getHost();
        String p = base.getPath() == null ? "" : base.getPath().replaceAll("^/+|/+$", "");
        for (String seg : p.isEmpty() ? new String[0] : p.split("/")) {
            ArtifactStore.checkSegment("S3 prefix segment", seg);
        }
        this.prefix = p;
        this.region = first(options.get("region"), env.apply("AWS_REGION"), env.apply("AWS_DEFAULT_REGION"), "us-east-1");
        String ep = first(options.get("endpoint"), "https://s3." + region + ".amazonaws.com");
        this.endpoint = URI.create(ep.replaceAll("/+$", ""));
        this.accessKey = first(options.get("access-key"), env.apply("AWS_ACCESS_KEY_ID"));
        this.secretKey = first(options.get("secret-key"), env.apply("AWS_SECRET_ACCESS_KEY"));
        this.sessionToken = first(options.get("session-token"), env.apply("AWS_SESSION_TOKEN"));
        if (accessKey == null || secretKey == null) {
            throw new IllegalArgumentException("S3 store " + base + ": no credentials (give --store-option access-key=...,"
                    + " secret-key=... or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)");
        }
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Override
    public URI put(String model, String version, String fileName, Path source) throws IOException {
        URI uri = ArtifactStore.relativeUri(model, version, fileName);
        String key = key(model, version, fileName);
        String sha = ReleaseFetcher.sha256Hex(source);
        if (existsWithSameBytes(key, sha)) {
            return uri;
        }
        HttpResponse<String> put = send("PUT", key, sha, Map.of(SHA_META, sha, "if-none-match", "*"),
                HttpRequest.BodyPublishers.ofFile(source), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() == 412 && existsWithSameBytes(key, sha)) {
            return uri; // a concurrent publisher wrote the same bytes first
        }
        if (put.statusCode() / 100 != 2) {
            throw failure("PUT", key, put.statusCode(), put.body());
        }
        return uri;
    }

    /** True when the object exists with these bytes; throws when it exists with others; false when absent. */
    private boolean existsWithSameBytes(String key, String sha) throws IOException {
        HttpResponse<Void> head = send("HEAD", key, SigV4.EMPTY_SHA256, Map.of(), HttpRequest.BodyPublishers.noBody(),
                HttpResponse.BodyHandlers.discarding());
        if (head.statusCode() == 404) {
            return false;
        }
        if (head.statusCode() / 100 != 2) {
            throw failure("HEAD", key, head.statusCode(), "");
        }
        String stored = head.headers().firstValue(SHA_META).orElse(null);
        if (stored == null) { // written by something else: hash what is there
            try (InputStream in = get(key)) {
                java.security.MessageDigest md = ReleaseFetcher.sha256();
                byte[] buf = new byte[64 * 1024];
                int k;
                while ((k = in.read(buf)) > 0) {
                    md.update(buf, 0, k);
                }
                stored = java.util.HexFormat.of().formatHex(md.digest());
            }
        }
        if (!stored.equals(sha)) {
            throw new FileAlreadyExistsException("s3://" + bucket + "/" + key, null,
                    "artifacts are immutable and this one already holds different bytes; publish a new version");
        }
        return true;
    }

    @Override
    public InputStream open(URI uri) throws IOException {
        String[] seg;
        if ("s3".equals(uri.getScheme())) {
            String own = "s3://" + bucket + "/" + (prefix.isEmpty() ? "" : prefix + "/");
            if (!uri.toString().startsWith(own)) {
                throw new IOException("artifact URI " + uri + " is not inside the store " + own);
            }
            seg = ArtifactStore.segments(URI.create(uri.toString().substring(own.length())));
        } else {
            seg = ArtifactStore.segments(uri);
        }
        return get(key(seg[0], seg[1], seg[2]));
    }

    private InputStream get(String key) throws IOException {
        HttpResponse<InputStream> r = send("GET", key, SigV4.EMPTY_SHA256, Map.of(), HttpRequest.BodyPublishers.noBody(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() / 100 == 2) {
            return r.body();
        }
        String body;
        try (InputStream in = r.body()) {
            body = new String(in.readNBytes(2048), StandardCharsets.UTF_8);
        }
        if (r.statusCode() == 404) {
            throw new NoSuchFileException("s3://" + bucket + "/" + key, null, "no such object");
        }
        throw failure("GET", key, r.statusCode(), body);
    }

    private String key(String model, String version, String fileName) {
        return (prefix.isEmpty() ? "" : prefix + "/") + model + "/" + version + "/" + fileName;
    }

    private <T> HttpResponse<T> send(String method, String key, String payloadSha256, Map<String, String> extra,
                                     HttpRequest.BodyPublisher body, HttpResponse.BodyHandler<T> handler) throws IOException {
        String path = "/" + SigV4.uriEncode(bucket, false) + "/" + SigV4.uriEncode(key, true);
        URI url = URI.create(endpoint + path);
        String amzDate = AMZ_DATE.format(clock.instant());
        TreeMap<String, String> signed = new TreeMap<>();
        signed.put("host", hostHeader(url));
        signed.put("x-amz-content-sha256", payloadSha256);
        signed.put("x-amz-date", amzDate);
        if (sessionToken != null) {
            signed.put("x-amz-security-token", sessionToken);
        }
        extra.forEach((k, v) -> signed.put(k.toLowerCase(java.util.Locale.ROOT), v));
        String auth = SigV4.authorization(accessKey, secretKey, region, "s3", amzDate, method, path, "", signed, payloadSha256);
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60)).method(method, body)
                .header("Authorization", auth);
        signed.forEach((k, v) -> {
            if (!k.equals("host")) { // java.net.http sets Host itself, from the URL, as signed above
                b.header(k, v);
            }
        });
        try {
            return http.send(b.build(), handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during " + method + " " + url);
        }
    }

    /** The Host header java.net.http sends: host, plus the port when the URL names a non-default one. */
    static String hostHeader(URI url) {
        int port = url.getPort();
        boolean dflt = port == -1 || (port == 443 && "https".equals(url.getScheme())) || (port == 80 && "http".equals(url.getScheme()));
        return url.getHost() + (dflt ? "" : ":" + port);
    }

    private IOException failure(String method, String key, int status, String body) {
        String detail = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return new IOException(method + " s3://" + bucket + "/" + key + " at " + endpoint + " failed: HTTP " + status
                + (detail.isEmpty() ? "" : " " + detail.substring(0, Math.min(300, detail.length()))));
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "S3ArtifactStore[" + endpoint + "/" + bucket + "/" + prefix + "]";
    }
}
