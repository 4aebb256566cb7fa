package io.visionstreams.release;

/**
 * Orders version strings the way people read them: runs of digits compare as numbers ("2" &lt; "10",
 * "1.2" &lt; "1.10"), everything else compares as text, and a version that is a prefix of another is
 * older ("1" &lt; "1.1"). Plain string order would make version 10 older than version 9.
 */
public final class ReleaseVersions {

    private ReleaseVersions() {
    }

    /** Negative when a is older than b, 0 when equal, positive when newer. */
    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            boolean da = isDigit(a.charAt(i));
            boolean db = isDigit(b.charAt(j));
            int ei = runEnd(a, i, da);
            int ej = runEnd(b, j, db);
            int c;
            if (da && db) {
                c = compareNumbers(a.substring(i, ei), b.substring(j, ej));
            } else if (da != db) {
                c = da ? 1 : -1; // a number sorts after text at the same place: "1.rc" < "1.0"
            } else {
                c = a.substring(i, ei).compareTo(b.substring(j, ej));
            }
            if (c != 0) {
                return c;
            }
            i = ei;
            j = ej;
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** True when candidate is strictly newer than current. */
    public static boolean isNewer(String candidate, String current) {
        return compare(candidate, current) > 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int runEnd(String s, int from, boolean digits) {
        int k = from;
        while (k < s.length() && isDigit(s.charAt(k)) == digits) {
            k++;
        }
        return k;
    }

    /** Compares digit strings of any length without parsing (no overflow); leading zeros do not count. */
    private static int compareNumbers(String x, String y) {
        String sx = stripZeros(x);
        String sy = stripZeros(y);
        if (sx.length() != sy.length()) {
            return Integer.compare(sx.length(), sy.length());
        }
        int c = sx.compareTo(sy);
        return c != 0 ? c : Integer.compare(x.length(), y.length());
    }

    private static String stripZeros(String s) {
        int k = 0;
        while (k < s.length() - 1 && s.charAt(k) == '0') {
            k++;
        }
        return s.substring(k);
    }
}
