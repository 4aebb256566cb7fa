package io.visionstreams.inference.tensorrt;

import java.lang.reflect.Constructor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Really frees a TensorRT object ({@code delete p} in C++), which the presets cannot do: objects returned by
 * TensorRT factories carry no deallocator, so {@code close()}/{@code deallocate()} are no-ops
 * (bytedeco/javacpp-presets#1699) and every swapped-out engine would keep its GPU weights.
 *
 * <p>Why this way (platform-notes §10.6, option B): option A (a tiny JavaCPP helper compiled against the
 * TensorRT headers) is not possible from Maven Central: neither the tensorrt nor the cuda jars ship headers
 * (checked: the linux-x86_64 jar holds only the JNI libraries). Every TensorRT API class used here
 * ({@code ICudaEngine}, {@code IExecutionContext}, {@code IRuntime}, {@code IBuilder}, {@code IBuilderConfig},
 * {@code INetworkDefinition}, {@code IHostMemory}, {@code ITimingCache}) derives from {@code nvinfer1::INoCopy}
 * whose only virtual function is the destructor, so under the Itanium C++ ABI the object's vtable slot 1 is the
 * deleting destructor, and calling it with {@code this = p} is exactly {@code delete p}. We call it through
 * JavaCPP's own {@code Pointer.NativeDeallocator} (which invokes {@code fn(owner)}), so no native code is built.
 *
 * <p>NOT valid for {@code IParser}/{@code IParserRefitter} (their destructor is not slot 0/1; they only live in
 * the short-lived builder process). Linux x86-64 only. Validated on a C++ mock with the same layout, NOT yet on
 * real TensorRT: {@code -Dvisionstreams.tensorrt.nativeDelete=false} turns it off (objects then leak, as they
 * would without it).
 */
final class NativeDelete {

    static final String PROPERTY = "visionstreams.tensorrt.nativeDelete";

    private static final Logger LOG = LoggerFactory.getLogger(NativeDelete.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private NativeDelete() {
    }

    static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"))
                && "amd64".equals(System.getProperty("os.arch")) && System.getProperty("os.name").startsWith("Linux");
    }

    /**
     * Deletes the C++ object behind {@code p} and nulls {@code p}. Returns false (and leaks) when disabled or
     * when {@code p} is already null.
     */
    static boolean delete(Pointer p) {
        if (p == null || p.isNull()) {
            return false;
        }
        if (!enabled()) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.warn("TensorRT native delete disabled (-D{}=false or not linux-x86_64): engines and contexts "
                        + "leak their GPU memory until the process exits", PROPERTY);
            }
            p.setNull();
            return false;
        }
        long object = p.address(); // TensorRT objects are never offset: position is 0
        long vtable = readWord(object);
        long deletingDestructor = readWord(vtable + Long.BYTES);
        if (vtable == 0 || deletingDestructor == 0) {
            throw new IllegalStateException("object at 0x" + Long.toHexString(object) + " has no vtable");
        }
        Owner owner = new Owner(object);
        owner.attach(deletingDestructor);
        owner.deallocate();
        p.setNull();
        return true;
    }

    private static long readWord(long address) {
        return new LongPointer(new Owner(address)).get(0);
    }

    /** A pointer at a raw address that can be given a native deallocator (both need Pointer's protected API). */
    private static final class Owner extends Pointer {
        private static final Constructor<?> NATIVE_DEALLOCATOR;

        static {
            try {
                Class<?> c = Class.forName("org.bytedeco.javacpp.Pointer$NativeDeallocator");
                NATIVE_DEALLOCATOR = c.getDeclaredConstructor(Pointer.class, long.class, long.class);
                NATIVE_DEALLOCATOR.setAccessible(true);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError("JavaCPP changed: Pointer$NativeDeallocator(Pointer,long,long) "
                        + "not found (" + e + "); set -D" + PROPERTY + "=false");
            }
        }

        Owner(long address) {
            this.address = address;
        }

        void attach(long function) {
            try {
                deallocator((Deallocator) NATIVE_DEALLOCATOR.newInstance(this, address, function));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create JavaCPP native deallocator", e);
            }
        }
    }
}
