package io.visionstreams.models.onnx;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The child-JVM side of {@link OnnxChecker}: runs onnx's C++ {@code check_model(path, full_check = true)}
 * (structure, op schemas, strict shape and type inference) on each file named on the command line.
 *
 * <p>Self-contained on purpose: its classpath holds only this class and the {@code org.bytedeco:onnx}
 * 1.17.0-1.5.11 jars with JavaCPP 1.5.11, which cannot share a JVM with the trainer's JavaCPP 1.5.14
 * (platform notes §7.5). The preset is called by reflection so the trainer never compiles against it.
 *
 * <p>Protocol (stdout, one line per file): {@code OK <path>} or {@code FAIL <path>\t<message>} with
 * the message's newlines escaped; exit status 0 when every file passes, 1 when any fails, 2 on misuse.
 */
public final class OnnxCheckerMain {

    static final String OK = "OK ";
    static final String FAIL = "FAIL ";

    private OnnxCheckerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: OnnxCheckerMain model.onnx...");
            System.exit(2);
        }
        Method check = Class.forName("org.bytedeco.onnx.global.onnx")
                .getMethod("check_model", String.class, boolean.class, boolean.class, boolean.class);
        boolean allOk = true;
        for (String path : args) {
            try {
                // full_check = true adds strict shape inference; opset compatibility and custom domains checked too
                check.invoke(null, path, true, false, false);
                System.out.println(OK + path);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                String msg = cause.getMessage() == null ? cause.toString() : cause.getMessage();
                System.out.println(FAIL + path + "\t" + msg.strip().replace("\\", "\\\\").replace("\n", "\\n"));
                allOk = false;
            }
        }
        System.out.flush();
        System.exit(allOk ? 0 : 1);
    }
}
