package io.visionstreams.inference.tensorrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Option B on a C++ mock with TensorRT's layout (an INoCopy base whose only virtual is the destructor, a
 * public interface class, a hidden implementation with a class-specific operator delete): deleting through
 * vtable slot 1 must run both destructors and free the memory. Needs g++ (skipped without it). This is NOT a
 * test on real TensorRT objects; GpuCheck's open/close cycles measure that on a GPU host.
 */
class NativeDeleteTest {

    @TempDir
    Path dir;

    private static final String MOCK = """
            extern "C" { int vs_base_dtor = 0; int vs_impl_dtor = 0; int vs_freed = 0; void* vs_objects[2]; }
            namespace mock {
            class INoCopy { public: virtual ~INoCopy() { vs_base_dtor++; } };
            class ICudaEngine : public INoCopy { public: int layers() const { return 3; } };
            class EngineImpl : public ICudaEngine {
              char* weights;
             public:
              EngineImpl() : weights(new char[1 << 20]) {}
              ~EngineImpl() override { delete[] weights; vs_impl_dtor++; }
              static void operator delete(void* p) { vs_freed++; ::operator delete(p); }
            };
            __attribute__((constructor)) static void make() {
              vs_objects[0] = static_cast<ICudaEngine*>(new EngineImpl());
              vs_objects[1] = static_cast<ICudaEngine*>(new EngineImpl());
            }
            }
            """;

    /** A pointer at an address we got from the mock library. */
    private static final class At extends Pointer {
        At(long address) {
            this.address = address;
        }
    }

    private static int readInt(String symbol) {
        return new IntPointer(Loader.addressof(symbol)).get(0);
    }

    @Test
    void deletingDestructorRunsAndFreesTheObject() throws Exception {
        Path src = dir.resolve("trt_mock.cpp");
        Path lib = dir.resolve("libtrt_mock.so");
        Files.writeString(src, MOCK);
        Process gcc;
        try {
            gcc = new ProcessBuilder("g++", "-shared", "-fPIC", "-O1", "-o", lib.toString(), src.toString())
                    .inheritIO().start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "g++ not available: " + e.getMessage());
            return;
        }
        assumeTrue(gcc.waitFor(120, TimeUnit.SECONDS) && gcc.exitValue() == 0, "g++ could not build the mock");
        Loader.loadGlobal(lib.toString());
        assertTrue(NativeDelete.enabled(), "on linux-x86_64 by default");

        LongPointer objects = new LongPointer(Loader.addressof("vs_objects"));
        Pointer engine = new At(objects.get(0));
        assertTrue(NativeDelete.delete(engine));
        assertTrue(engine.isNull(), "the Java side is nulled so it cannot be used after free");
        assertEquals(1, readInt("vs_impl_dtor"), "the most-derived destructor ran (weights freed)");
        assertEquals(1, readInt("vs_base_dtor"), "the base destructor ran");
        assertEquals(1, readInt("vs_freed"), "operator delete of the implementation freed the object");
        assertFalse(NativeDelete.delete(engine), "a second delete is a no-op, not a double free");

        String old = System.getProperty(NativeDelete.PROPERTY);
        System.setProperty(NativeDelete.PROPERTY, "false");
        try {
            Pointer second = new At(objects.get(1));
            assertFalse(NativeDelete.delete(second), "kill switch: nothing deleted");
            assertEquals(1, readInt("vs_freed"));
        } finally {
            if (old == null) {
                System.clearProperty(NativeDelete.PROPERTY);
            } else {
                System.setProperty(NativeDelete.PROPERTY, old);
            }
        }
    }
}
