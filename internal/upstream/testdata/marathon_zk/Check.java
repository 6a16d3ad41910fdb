// Check matches zk URLs against a java.util.regex pattern the way a Scala Regex extractor
// does (Matcher.matches: the whole input), for TestMarathonZKAgreesWithJava.
//
// Input (stdin, UTF-8): the pattern, then one candidate per line, each line base64.
// Output: per candidate "0" (no match) or "1" and, per group, " -" (did not take part) or
// " +<base64 of the group>".
//
// Run with a JDK 11+ (single-file source launch): java Check.java < input
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Check {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Base64.Decoder dec = Base64.getDecoder();
        Base64.Encoder enc = Base64.getEncoder();
        Pattern p = Pattern.compile(new String(dec.decode(in.readLine()), StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        for (String line; (line = in.readLine()) != null; ) {
            Matcher m = p.matcher(new String(dec.decode(line), StandardCharsets.UTF_8));
            if (!m.matches()) {
                out.append("0\n");
                continue;
            }
            out.append('1');
            for (int g = 1; g <= m.groupCount(); g++) {
                String s = m.group(g);
                out.append(s == null ? " -" : " +" + enc.encodeToString(s.getBytes(StandardCharsets.UTF_8)));
            }
            out.append('\n');
        }
        System.out.print(out);
    }
}
