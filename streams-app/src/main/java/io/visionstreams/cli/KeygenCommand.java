package io.visionstreams.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;

import io.visionstreams.release.ReleaseKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Creates the Ed25519 key pair that signs model releases. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Create a release-signing key pair: DIR/release-signing.key (private, mode 600; keep it on the "
                + "publishing machine) and DIR/release-signing.pub (give it to every instance as a trusted key).",
            "Prints the key id that releases carry. Never overwrites an existing key."})
public final class KeygenCommand implements Callable<Integer> {

    public static final String PRIVATE_FILE = "release-signing.key";
    public static final String PUBLIC_FILE = "release-signing.pub";

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the two key files.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path priv = out.resolve(PRIVATE_FILE);
        Path pub = out.resolve(PUBLIC_FILE);
        if (Files.exists(priv) || Files.exists(pub)) {
            throw new IllegalArgumentException("refusing to overwrite " + (Files.exists(priv) ? priv : pub)
                    + ": releases signed with the old key would no longer match it; choose another --out");
        }
        KeyPair kp = ReleaseKeys.generate();
        ReleaseKeys.writePrivate(kp.getPrivate(), priv);
        ReleaseKeys.writePublic(kp.getPublic(), pub);
        System.out.println("key id " + ReleaseKeys.keyId(kp.getPublic()) + ": private " + priv + " (mode 600), public " + pub);
        return 0;
    }
}
