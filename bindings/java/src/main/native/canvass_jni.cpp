// The JNI functions of org.canvass.Native over canvass.h, and nothing else: the binding uses
// only the C ABI, as any app would. Text crosses as UTF-8 byte arrays (see Native.java); a
// failed call throws org.canvass.CanvassException and returns a dummy value Java ignores.
#include <jni.h>

#include <canvass/canvass.h>

#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <string>
#include <type_traits>

#include "org_canvass_Native.h"

namespace {

// A Java byte[] as a NUL-terminated string; null stays null. A NUL inside is refused: the C
// ABI would read the text only up to it.
class Text {
  public:
    Text(JNIEnv* env, jbyteArray bytes) {
        if (!bytes) return;
        jsize n = env->GetArrayLength(bytes);
        text_.resize(static_cast<std::size_t>(n));
        env->GetByteArrayRegion(bytes, 0, n, reinterpret_cast<jbyte*>(text_.data()));
        present_ = true;
        nul_ = text_.find('\0') != std::string::npos;
    }
    const char* c_str() const { return present_ ? text_.c_str() : nullptr; }
    bool has_nul() const { return nul_; }

  private:
    std::string text_;
    bool present_ = false;
    bool nul_ = false;
};

jbyteArray to_bytes(JNIEnv* env, const char* s, std::size_t n) {
    jbyteArray out = env->NewByteArray(static_cast<jsize>(n));
    if (out)
        env->SetByteArrayRegion(out, 0, static_cast<jsize>(n), reinterpret_cast<const jbyte*>(s));
    return out;
}

void throw_canvass(JNIEnv* env, int code, int domain, int domain_code, const char* message) {
    if (env->ExceptionCheck()) return;  // a Java exception (out of memory) is already on its way
    jclass cls = env->FindClass("org/canvass/CanvassException");
    if (!cls) return;
    jmethodID init = env->GetMethodID(cls, "<init>", "(III[B)V");
    if (!init) return;
    jbyteArray text = to_bytes(env, message, std::strlen(message));
    if (!text) return;
    auto e = static_cast<jthrowable>(env->NewObject(cls, init, code, domain, domain_code, text));
    if (e) env->Throw(e);
}

// Throws for a failed call; true when `rc` is a failure.
bool failed(JNIEnv* env, int rc, const canvass_error& err) {
    if (rc == CANVASS_OK) return false;
    throw_canvass(env, rc, err.domain, err.code, err.message);
    return true;
}

bool refuse_nul(JNIEnv* env, std::initializer_list<const Text*> texts) {
    for (const Text* t : texts) {
        if (t->has_nul()) {
            throw_canvass(env, CANVASS_ERR_INVALID_ARGUMENT, CANVASS_DOMAIN_CORE,
                          CANVASS_ERR_INVALID_ARGUMENT,
                          "text given to canvass holds a NUL character");
            return true;
        }
    }
    return false;
}

// An OUT string of the C ABI as a Java byte[]; the C string is freed.
jbyteArray take(JNIEnv* env, char* s) {
    if (!s) return nullptr;
    jbyteArray out = to_bytes(env, s, std::strlen(s));
    canvass_free(s);
    return out;
}

canvass_store* store_of(jlong handle) {
    return reinterpret_cast<canvass_store*>(handle);
}

// Runs a JNI body: a C++ exception (out of memory) becomes a CanvassException, never
// unwinds into the JVM.
template <class F>
auto guard(JNIEnv* env, F&& body) noexcept -> decltype(body()) {
    try {
        return body();
    } catch (...) {
        throw_canvass(env, CANVASS_ERR_INTERNAL, CANVASS_DOMAIN_CORE, CANVASS_ERR_INTERNAL,
                      "the Java binding failed (out of memory?)");
        if constexpr (!std::is_void_v<decltype(body())>) return {};
    }
}

// The app's org.canvass.Transport as a canvass_transport. Its methods run on this thread,
// inside the native call, so the JNIEnv stays valid throughout.
struct JavaTransport {
    JNIEnv* env;
    jobject transport;
    jmethodID send, receive, close;
    jclass timeout_class;
    std::string failure;  // what the Java side threw, for the error message

    int thrown() {
        jthrowable t = env->ExceptionOccurred();
        if (!t) return -1;
        env->ExceptionClear();
        bool timeout = timeout_class && env->IsInstanceOf(t, timeout_class);
        jclass object = env->FindClass("java/lang/Object");
        jmethodID to_string =
            object ? env->GetMethodID(object, "toString", "()Ljava/lang/String;") : nullptr;
        auto text = to_string ? static_cast<jstring>(env->CallObjectMethod(t, to_string)) : nullptr;
        if (env->ExceptionCheck()) env->ExceptionClear();
        if (text) {
            const char* chars = env->GetStringUTFChars(text, nullptr);
            if (chars) failure = chars;
            env->ReleaseStringUTFChars(text, chars);
        }
        env->DeleteLocalRef(t);
        return timeout ? CANVASS_TRANSPORT_TIMEOUT : -1;
    }

    // The callbacks are called from C: nothing may leave them as an exception.
    static int on_send(void* user, const uint8_t* bytes, size_t length) noexcept {
        try {
            return send_bytes(static_cast<JavaTransport*>(user), bytes, length);
        } catch (...) {
            return -1;
        }
    }
    static ptrdiff_t on_receive(void* user, uint8_t* buffer, size_t capacity) noexcept {
        try {
            return receive_bytes(static_cast<JavaTransport*>(user), buffer, capacity);
        } catch (...) {
            return -1;
        }
    }

    static int send_bytes(JavaTransport* t, const uint8_t* bytes, size_t length) {
        jbyteArray data = to_bytes(t->env, reinterpret_cast<const char*>(bytes), length);
        if (!data) return t->thrown();
        t->env->CallVoidMethod(t->transport, t->send, data, static_cast<jint>(length));
        t->env->DeleteLocalRef(data);
        return t->env->ExceptionCheck() ? t->thrown() : 0;
    }

    static ptrdiff_t receive_bytes(JavaTransport* t, uint8_t* buffer, size_t capacity) {
        // Exactly as long as asked: the Java side cannot read past the frame.
        jbyteArray data = t->env->NewByteArray(static_cast<jsize>(capacity));
        if (!data) return t->thrown();
        jint n = t->env->CallIntMethod(t->transport, t->receive, data);
        if (t->env->ExceptionCheck()) {
            t->env->DeleteLocalRef(data);
            return t->thrown();
        }
        if (n > 0 && static_cast<size_t>(n) <= capacity)
            t->env->GetByteArrayRegion(data, 0, n, reinterpret_cast<jbyte*>(buffer));
        t->env->DeleteLocalRef(data);
        if (n < 0) return 0;  // InputStream's end of stream
        if (n == 0 || static_cast<size_t>(n) > capacity) {
            t->failure = "Transport.receive returned " + std::to_string(n) + " for a buffer of " +
                         std::to_string(capacity) + " bytes";
            return -1;
        }
        return n;
    }

    static void on_close(void* user) noexcept {
        auto* t = static_cast<JavaTransport*>(user);
        t->env->CallVoidMethod(t->transport, t->close);
        if (t->env->ExceptionCheck()) t->env->ExceptionClear();
    }
};

// Sets up `jt` for `transport`; false (with a Java exception pending) if its class lacks a method.
bool bind(JNIEnv* env, jobject transport, JavaTransport& jt, canvass_transport& ct) {
    jclass cls = env->GetObjectClass(transport);
    jt = JavaTransport{env,
                       transport,
                       env->GetMethodID(cls, "send", "([BI)V"),
                       env->GetMethodID(cls, "receive", "([B)I"),
                       env->GetMethodID(cls, "close", "()V"),
                       nullptr,
                       {}};
    if (!jt.send || !jt.receive || !jt.close) return false;
    jt.timeout_class = env->FindClass("java/net/SocketTimeoutException");
    if (!jt.timeout_class) env->ExceptionClear();
    ct = canvass_transport{&jt, &JavaTransport::on_send, &JavaTransport::on_receive,
                           &JavaTransport::on_close};
    return true;
}

// A failure over the app's transport names what the transport threw.
bool failed_over(JNIEnv* env, int rc, canvass_error& err, const JavaTransport* jt) {
    if (rc != CANVASS_OK && jt && !jt->failure.empty()) {
        std::string m = std::string(err.message) + " (the transport threw " + jt->failure + ")";
        std::snprintf(err.message, sizeof err.message, "%s", m.c_str());
    }
    return failed(env, rc, err);
}

struct JavaProgress {
    JNIEnv* env;
    jobject progress;
    jmethodID on_progress;

    static void call(void* user, const char* json) noexcept {
        auto* p = static_cast<JavaProgress*>(user);
        jclass string_class = p->env->FindClass("java/lang/String");
        jmethodID init =
            string_class ? p->env->GetMethodID(string_class, "<init>", "([BLjava/lang/String;)V")
                         : nullptr;
        jbyteArray bytes = to_bytes(p->env, json, std::strlen(json));
        jstring charset = p->env->NewStringUTF("UTF-8");
        jobject text = init && bytes && charset
                           ? p->env->NewObject(string_class, init, bytes, charset)
                           : nullptr;
        if (text) p->env->CallVoidMethod(p->progress, p->on_progress, text);
        if (p->env->ExceptionCheck()) p->env->ExceptionClear();  // documented: dropped
        p->env->DeleteLocalRef(text);
        p->env->DeleteLocalRef(charset);
        p->env->DeleteLocalRef(bytes);
        p->env->DeleteLocalRef(string_class);
    }
};

// ---- The interview session -------------------------------------------------------------

canvass_interview* interview_of(jlong handle) {
    return reinterpret_cast<canvass_interview*>(handle);
}

using OpenInterview = int (*)(canvass_store*, const char*, const char*, canvass_interview**,
                              canvass_error*);

jlong open_interview(JNIEnv* env, OpenInterview open, jlong store, jbyteArray what,
                     jbyteArray language) {
    Text w(env, what), l(env, language);
    if (refuse_nul(env, {&w, &l})) return 0;
    canvass_interview* iv = nullptr;
    canvass_error err{};
    if (failed(env, open(store_of(store), w.c_str(), l.c_str(), &iv, &err), err)) return 0;
    return reinterpret_cast<jlong>(iv);
}

using MoveInterview = int (*)(canvass_interview*, char**, canvass_error*);

jbyteArray move_interview(JNIEnv* env, MoveInterview move, jlong iv) {
    char* step = nullptr;
    canvass_error err{};
    if (failed(env, move(interview_of(iv), &step, &err), err)) return nullptr;
    return take(env, step);
}

// ---- The coordinator's view -----------------------------------------------------------

using CoordinatorRead = int (*)(canvass_coordinator*, const char*, char**, canvass_error*);

jbyteArray coordinator_read(JNIEnv* env, CoordinatorRead read, jlong c, jbyteArray id) {
    Text i(env, id);
    if (refuse_nul(env, {&i})) return nullptr;
    char* out = nullptr;
    canvass_error err{};
    if (failed(env, read(reinterpret_cast<canvass_coordinator*>(c), i.c_str(), &out, &err), err))
        return nullptr;
    return take(env, out);
}

}  // namespace

extern "C" {

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_version(JNIEnv* env, jclass) {
    return guard(env, [&]() -> jbyteArray {
        const char* v = canvass_version();
        return to_bytes(env, v, std::strlen(v));
    });
}

JNIEXPORT jlong JNICALL Java_org_canvass_Native_storeOpen(JNIEnv* env, jclass, jbyteArray home,
                                                          jbyteArray passphrase, jboolean create) {
    return guard(env, [&]() -> jlong {
        Text h(env, home), p(env, passphrase);
        if (refuse_nul(env, {&h, &p})) return 0;
        canvass_store* store = nullptr;
        canvass_error err{};
        int rc = create ? canvass_store_create(h.c_str(), p.c_str(), &store, &err)
                        : canvass_store_open(h.c_str(), p.c_str(), &store, &err);
        return failed(env, rc, err) ? 0 : reinterpret_cast<jlong>(store);
    });
}

JNIEXPORT jlong JNICALL Java_org_canvass_Native_storeOpenWithKey(JNIEnv* env, jclass,
                                                                 jbyteArray home, jbyteArray key,
                                                                 jboolean create) {
    return guard(env, [&]() -> jlong {
        Text h(env, home);
        if (refuse_nul(env, {&h})) return 0;
        if (!key || env->GetArrayLength(key) != 32) {
            throw_canvass(env, CANVASS_ERR_INVALID_ARGUMENT, CANVASS_DOMAIN_CORE,
                          CANVASS_ERR_INVALID_ARGUMENT, "a store key is 32 bytes");
            return 0;
        }
        uint8_t raw[32];
        env->GetByteArrayRegion(key, 0, 32, reinterpret_cast<jbyte*>(raw));
        canvass_store* store = nullptr;
        canvass_error err{};
        int rc = canvass_store_open_with_key(h.c_str(), raw, create ? 1 : 0, &store, &err);
        std::memset(raw, 0, sizeof raw);
        return failed(env, rc, err) ? 0 : reinterpret_cast<jlong>(store);
    });
}

JNIEXPORT void JNICALL Java_org_canvass_Native_storeClose(JNIEnv* env, jclass, jlong store) {
    return guard(env, [&]() -> void { canvass_store_close(store_of(store)); });
}

JNIEXPORT void JNICALL Java_org_canvass_Native_formAdd(JNIEnv* env, jclass, jlong store,
                                                       jbyteArray form) {
    return guard(env, [&]() -> void {
        Text f(env, form);
        if (refuse_nul(env, {&f})) return;
        canvass_error err{};
        failed(env, canvass_form_add(store_of(store), f.c_str(), &err), err);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_formsList(JNIEnv* env, jclass, jlong store) {
    return guard(env, [&]() -> jbyteArray {
        char* out = nullptr;
        canvass_error err{};
        if (failed(env, canvass_forms_list(store_of(store), &out, &err), err)) return nullptr;
        return take(env, out);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_recordCreate(JNIEnv* env, jclass, jlong store,
                                                                  jbyteArray form,
                                                                  jbyteArray answers,
                                                                  jboolean finalize) {
    return guard(env, [&]() -> jbyteArray {
        Text f(env, form), a(env, answers);
        if (refuse_nul(env, {&f, &a})) return nullptr;
        char id[37] = {0};
        canvass_error err{};
        if (failed(env,
                   canvass_record_create(store_of(store), f.c_str(), a.c_str(), finalize ? 1 : 0,
                                         id, &err),
                   err))
            return nullptr;
        return to_bytes(env, id, std::strlen(id));
    });
}

JNIEXPORT void JNICALL Java_org_canvass_Native_recordSaveDraft(JNIEnv* env, jclass, jlong store,
                                                               jbyteArray id, jbyteArray answers) {
    return guard(env, [&]() -> void {
        Text i(env, id), a(env, answers);
        if (refuse_nul(env, {&i, &a})) return;
        canvass_error err{};
        failed(env, canvass_record_save_draft(store_of(store), i.c_str(), a.c_str(), &err), err);
    });
}

JNIEXPORT void JNICALL Java_org_canvass_Native_recordFinalize(JNIEnv* env, jclass, jlong store,
                                                              jbyteArray id) {
    return guard(env, [&]() -> void {
        Text i(env, id);
        if (refuse_nul(env, {&i})) return;
        canvass_error err{};
        failed(env, canvass_record_finalize(store_of(store), i.c_str(), &err), err);
    });
}

JNIEXPORT jboolean JNICALL Java_org_canvass_Native_recordEdit(JNIEnv* env, jclass, jlong store,
                                                              jbyteArray id, jbyteArray changes) {
    return guard(env, [&]() -> jboolean {
        Text i(env, id), c(env, changes);
        if (refuse_nul(env, {&i, &c})) return JNI_FALSE;
        int changed = 0;
        canvass_error err{};
        if (failed(env, canvass_record_edit(store_of(store), i.c_str(), c.c_str(), &changed, &err),
                   err))
            return JNI_FALSE;
        return changed ? JNI_TRUE : JNI_FALSE;
    });
}

JNIEXPORT void JNICALL Java_org_canvass_Native_recordDelete(JNIEnv* env, jclass, jlong store,
                                                            jbyteArray id) {
    return guard(env, [&]() -> void {
        Text i(env, id);
        if (refuse_nul(env, {&i})) return;
        canvass_error err{};
        failed(env, canvass_record_delete(store_of(store), i.c_str(), &err), err);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_recordGet(JNIEnv* env, jclass, jlong store,
                                                               jbyteArray id) {
    return guard(env, [&]() -> jbyteArray {
        Text i(env, id);
        if (refuse_nul(env, {&i})) return nullptr;
        char* out = nullptr;
        canvass_error err{};
        if (failed(env, canvass_record_get(store_of(store), i.c_str(), &out, &err), err))
            return nullptr;
        return take(env, out);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_recordsList(JNIEnv* env, jclass, jlong store,
                                                                 jbyteArray form) {
    return guard(env, [&]() -> jbyteArray {
        Text f(env, form);
        if (refuse_nul(env, {&f})) return nullptr;
        char* out = nullptr;
        canvass_error err{};
        if (failed(env, canvass_records_list(store_of(store), f.c_str(), &out, &err), err))
            return nullptr;
        return take(env, out);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_recordConflicts(JNIEnv* env, jclass,
                                                                     jlong store, jbyteArray id) {
    return guard(env, [&]() -> jbyteArray {
        Text i(env, id);
        if (refuse_nul(env, {&i})) return nullptr;
        char* out = nullptr;
        canvass_error err{};
        if (failed(env, canvass_record_conflicts(store_of(store), i.c_str(), &out, &err), err))
            return nullptr;
        return take(env, out);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_conflictsList(JNIEnv* env, jclass,
                                                                   jlong store) {
    return guard(env, [&]() -> jbyteArray {
        char* out = nullptr;
        canvass_error err{};
        if (failed(env, canvass_conflicts_list(store_of(store), &out, &err), err)) return nullptr;
        return take(env, out);
    });
}

JNIEXPORT void JNICALL Java_org_canvass_Native_recordResolve(JNIEnv* env, jclass, jlong store,
                                                             jbyteArray id, jbyteArray path,
                                                             jbyteArray value) {
    return guard(env, [&]() -> void {
        Text i(env, id), p(env, path), v(env, value);
        if (refuse_nul(env, {&i, &p, &v})) return;
        canvass_error err{};
        failed(env, canvass_record_resolve(store_of(store), i.c_str(), p.c_str(), v.c_str(), &err),
               err);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_status(JNIEnv* env, jclass, jlong store) {
    return guard(env, [&]() -> jbyteArray {
        char* out = nullptr;
        canvass_error err{};
        if (failed(env, canvass_status(store_of(store), &out, &err), err)) return nullptr;
        return take(env, out);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_tokenInspect(JNIEnv* env, jclass,
                                                                  jbyteArray token) {
    return guard(env, [&]() -> jbyteArray {
        Text t(env, token);
        if (refuse_nul(env, {&t})) return nullptr;
        char* out = nullptr;
        canvass_error err{};
        if (failed(env, canvass_token_inspect(t.c_str(), &out, &err), err)) return nullptr;
        return take(env, out);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_enroll(JNIEnv* env, jclass, jlong store,
                                                            jbyteArray token,
                                                            jbyteArray fingerprint,
                                                            jobject transport) {
    return guard(env, [&]() -> jbyteArray {
        Text t(env, token), f(env, fingerprint);
        if (refuse_nul(env, {&t, &f})) return nullptr;
        char* out = nullptr;
        canvass_error err{};
        if (!transport) {
            if (failed(env, canvass_enroll(store_of(store), t.c_str(), f.c_str(), &out, &err), err))
                return nullptr;
            return take(env, out);
        }
        JavaTransport jt{};
        canvass_transport ct{};
        if (!bind(env, transport, jt, ct)) return nullptr;
        int rc = canvass_enroll_over(store_of(store), t.c_str(), f.c_str(), &ct, &out, &err);
        if (failed_over(env, rc, err, &jt)) return nullptr;
        return take(env, out);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_sync(JNIEnv* env, jclass, jlong store,
                                                          jobject transport, jobject progress) {
    return guard(env, [&]() -> jbyteArray {
        JavaProgress jp{env, progress, nullptr};
        if (progress) {
            jp.on_progress = env->GetMethodID(env->GetObjectClass(progress), "onProgress",
                                              "(Ljava/lang/String;)V");
            if (!jp.on_progress) return nullptr;
        }
        canvass_progress_fn fn = progress ? &JavaProgress::call : nullptr;
        char* out = nullptr;
        canvass_error err{};
        if (!transport) {
            if (failed(env, canvass_sync(store_of(store), fn, &jp, &out, &err), err))
                return nullptr;
            return take(env, out);
        }
        JavaTransport jt{};
        canvass_transport ct{};
        if (!bind(env, transport, jt, ct)) return nullptr;
        int rc = canvass_sync_over(store_of(store), &ct, fn, &jp, &out, &err);
        if (failed_over(env, rc, err, &jt)) return nullptr;
        return take(env, out);
    });
}

JNIEXPORT jlong JNICALL Java_org_canvass_Native_interviewStart(JNIEnv* env, jclass, jlong store,
                                                               jbyteArray form,
                                                               jbyteArray language) {
    return guard(env, [&]() -> jlong {
        return open_interview(env, canvass_interview_start, store, form, language);
    });
}

JNIEXPORT jlong JNICALL Java_org_canvass_Native_interviewResume(JNIEnv* env, jclass, jlong store,
                                                                jbyteArray id,
                                                                jbyteArray language) {
    return guard(env, [&]() -> jlong {
        return open_interview(env, canvass_interview_resume, store, id, language);
    });
}

JNIEXPORT jlong JNICALL Java_org_canvass_Native_interviewEdit(JNIEnv* env, jclass, jlong store,
                                                              jbyteArray id, jbyteArray language) {
    return guard(env, [&]() -> jlong {
        return open_interview(env, canvass_interview_edit, store, id, language);
    });
}

JNIEXPORT void JNICALL Java_org_canvass_Native_interviewClose(JNIEnv* env, jclass, jlong iv) {
    return guard(env, [&]() -> void { canvass_interview_close(interview_of(iv)); });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_interviewRecordId(JNIEnv* env, jclass,
                                                                       jlong iv) {
    return guard(env, [&]() -> jbyteArray {
        char id[37] = {0};
        canvass_error err{};
        if (failed(env, canvass_interview_record_id(interview_of(iv), id, &err), err))
            return nullptr;
        return to_bytes(env, id, std::strlen(id));
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_interviewStep(JNIEnv* env, jclass, jlong iv) {
    return guard(env, [&]() -> jbyteArray {
        char* step = nullptr;
        canvass_error err{};
        if (failed(env, canvass_interview_step(interview_of(iv), &step, &err), err)) return nullptr;
        return take(env, step);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_interviewAnswer(JNIEnv* env, jclass, jlong iv,
                                                                     jbyteArray value) {
    return guard(env, [&]() -> jbyteArray {
        Text v(env, value);
        if (refuse_nul(env, {&v})) return nullptr;
        char* step = nullptr;
        canvass_error err{};
        if (failed(env, canvass_interview_answer(interview_of(iv), v.c_str(), &step, &err), err))
            return nullptr;
        return take(env, step);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_interviewNext(JNIEnv* env, jclass, jlong iv) {
    return guard(env,
                 [&]() -> jbyteArray { return move_interview(env, canvass_interview_next, iv); });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_interviewBack(JNIEnv* env, jclass, jlong iv) {
    return guard(env,
                 [&]() -> jbyteArray { return move_interview(env, canvass_interview_back, iv); });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_interviewAddInstance(JNIEnv* env, jclass,
                                                                          jlong iv) {
    return guard(env, [&]() -> jbyteArray {
        return move_interview(env, canvass_interview_add_instance, iv);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_interviewRemoveInstance(JNIEnv* env, jclass,
                                                                             jlong iv) {
    return guard(env, [&]() -> jbyteArray {
        return move_interview(env, canvass_interview_remove_instance, iv);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_interviewJump(JNIEnv* env, jclass, jlong iv,
                                                                   jint index) {
    return guard(env, [&]() -> jbyteArray {
        if (index < 0) {
            throw_canvass(env, CANVASS_ERR_INVALID_ARGUMENT, CANVASS_DOMAIN_CORE,
                          CANVASS_ERR_INVALID_ARGUMENT, "a step index is 0 or more");
            return nullptr;
        }
        char* step = nullptr;
        canvass_error err{};
        if (failed(
                env,
                canvass_interview_jump(interview_of(iv), static_cast<size_t>(index), &step, &err),
                err))
            return nullptr;
        return take(env, step);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_interviewJumpTo(JNIEnv* env, jclass, jlong iv,
                                                                     jbyteArray name) {
    return guard(env, [&]() -> jbyteArray {
        Text n(env, name);
        if (refuse_nul(env, {&n})) return nullptr;
        char* step = nullptr;
        canvass_error err{};
        if (failed(env, canvass_interview_jump_to(interview_of(iv), n.c_str(), &step, &err), err))
            return nullptr;
        return take(env, step);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_interviewLanguage(JNIEnv* env, jclass,
                                                                       jlong iv,
                                                                       jbyteArray language) {
    return guard(env, [&]() -> jbyteArray {
        Text l(env, language);
        if (refuse_nul(env, {&l})) return nullptr;
        char* step = nullptr;
        canvass_error err{};
        if (failed(env, canvass_interview_language(interview_of(iv), l.c_str(), &step, &err), err))
            return nullptr;
        return take(env, step);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_interviewHierarchy(JNIEnv* env, jclass,
                                                                        jlong iv) {
    return guard(env, [&]() -> jbyteArray {
        char* out = nullptr;
        canvass_error err{};
        if (failed(env, canvass_interview_hierarchy(interview_of(iv), &out, &err), err))
            return nullptr;
        return take(env, out);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_interviewFinalize(JNIEnv* env, jclass,
                                                                       jlong iv) {
    return guard(env, [&]() -> jbyteArray {
        char* out = nullptr;
        canvass_error err{};
        if (failed(env, canvass_interview_finalize(interview_of(iv), &out, &err), err))
            return nullptr;
        return take(env, out);
    });
}

// ---- The coordinator's view ------------------------------------------------------------

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_coordinatorKeyCreate(JNIEnv* env, jclass,
                                                                          jbyteArray path,
                                                                          jbyteArray passphrase) {
    return guard(env, [&]() -> jbyteArray {
        Text p(env, path), pass(env, passphrase);
        if (refuse_nul(env, {&p, &pass})) return nullptr;
        char* out = nullptr;
        canvass_error err{};
        if (failed(env, canvass_coordinator_key_create(p.c_str(), pass.c_str(), &out, &err), err))
            return nullptr;
        return take(env, out);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_coordinatorKeyInspect(JNIEnv* env, jclass,
                                                                           jbyteArray path) {
    return guard(env, [&]() -> jbyteArray {
        Text p(env, path);
        if (refuse_nul(env, {&p})) return nullptr;
        char* out = nullptr;
        canvass_error err{};
        if (failed(env, canvass_coordinator_key_inspect(p.c_str(), &out, &err), err))
            return nullptr;
        return take(env, out);
    });
}

JNIEXPORT jlong JNICALL Java_org_canvass_Native_coordinatorOpen(JNIEnv* env, jclass, jlong store,
                                                                jbyteArray path,
                                                                jbyteArray passphrase) {
    return guard(env, [&]() -> jlong {
        Text p(env, path), pass(env, passphrase);
        if (refuse_nul(env, {&p, &pass})) return 0;
        canvass_coordinator* c = nullptr;
        canvass_error err{};
        if (failed(env,
                   canvass_coordinator_open(store_of(store), p.c_str(), pass.c_str(), &c, &err),
                   err))
            return 0;
        return reinterpret_cast<jlong>(c);
    });
}

JNIEXPORT void JNICALL Java_org_canvass_Native_coordinatorClose(JNIEnv* env, jclass, jlong c) {
    return guard(env, [&]() -> void {
        canvass_coordinator_close(reinterpret_cast<canvass_coordinator*>(c));
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_coordinatorRecords(JNIEnv* env, jclass,
                                                                        jlong c, jbyteArray form) {
    return guard(env, [&]() -> jbyteArray {
        Text f(env, form);
        if (refuse_nul(env, {&f})) return nullptr;
        char* out = nullptr;
        canvass_error err{};
        if (failed(env,
                   canvass_coordinator_records(reinterpret_cast<canvass_coordinator*>(c), f.c_str(),
                                               &out, &err),
                   err))
            return nullptr;
        return take(env, out);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_coordinatorRecord(JNIEnv* env, jclass, jlong c,
                                                                       jbyteArray id) {
    return guard(env, [&]() -> jbyteArray {
        return coordinator_read(env, canvass_coordinator_record, c, id);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_coordinatorHistory(JNIEnv* env, jclass,
                                                                        jlong c, jbyteArray id) {
    return guard(env, [&]() -> jbyteArray {
        return coordinator_read(env, canvass_coordinator_history, c, id);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_coordinatorConflicts(JNIEnv* env, jclass,
                                                                          jlong c, jbyteArray form,
                                                                          jboolean resolved) {
    return guard(env, [&]() -> jbyteArray {
        Text f(env, form);
        if (refuse_nul(env, {&f})) return nullptr;
        char* out = nullptr;
        canvass_error err{};
        if (failed(env,
                   canvass_coordinator_conflicts(reinterpret_cast<canvass_coordinator*>(c),
                                                 f.c_str(), resolved ? 1 : 0, &out, &err),
                   err))
            return nullptr;
        return take(env, out);
    });
}

JNIEXPORT void JNICALL Java_org_canvass_Native_coordinatorResolve(JNIEnv* env, jclass, jlong c,
                                                                  jbyteArray id, jbyteArray path,
                                                                  jbyteArray value) {
    return guard(env, [&]() -> void {
        Text i(env, id), p(env, path), v(env, value);
        if (refuse_nul(env, {&i, &p, &v})) return;
        canvass_error err{};
        failed(env,
               canvass_coordinator_resolve(reinterpret_cast<canvass_coordinator*>(c), i.c_str(),
                                           p.c_str(), v.c_str(), &err),
               err);
    });
}

JNIEXPORT void JNICALL Java_org_canvass_Native_coordinatorLabelDevices(JNIEnv* env, jclass, jlong c,
                                                                       jbyteArray devices) {
    return guard(env, [&]() -> void {
        Text d(env, devices);
        if (refuse_nul(env, {&d})) return;
        canvass_error err{};
        failed(env,
               canvass_coordinator_label_devices(reinterpret_cast<canvass_coordinator*>(c),
                                                 d.c_str(), &err),
               err);
    });
}

JNIEXPORT jlong JNICALL Java_org_canvass_Native_coordinatorEdit(JNIEnv* env, jclass, jlong c,
                                                                jbyteArray id,
                                                                jbyteArray language) {
    return guard(env, [&]() -> jlong {
        Text i(env, id), l(env, language);
        if (refuse_nul(env, {&i, &l})) return 0;
        canvass_interview* iv = nullptr;
        canvass_error err{};
        if (failed(env,
                   canvass_coordinator_edit(reinterpret_cast<canvass_coordinator*>(c), i.c_str(),
                                            l.c_str(), &iv, &err),
                   err))
            return 0;
        return reinterpret_cast<jlong>(iv);
    });
}

JNIEXPORT jbyteArray JNICALL Java_org_canvass_Native_coordinatorAttachment(JNIEnv* env, jclass,
                                                                           jlong c, jbyteArray id,
                                                                           jbyteArray attachment) {
    return guard(env, [&]() -> jbyteArray {
        Text i(env, id), a(env, attachment);
        if (refuse_nul(env, {&i, &a})) return nullptr;
        uint8_t* bytes = nullptr;
        size_t size = 0;
        canvass_error err{};
        if (failed(env,
                   canvass_coordinator_attachment(reinterpret_cast<canvass_coordinator*>(c),
                                                  i.c_str(), a.c_str(), &bytes, &size, &err),
                   err))
            return nullptr;
        jbyteArray out = to_bytes(env, reinterpret_cast<const char*>(bytes), size);
        canvass_free(bytes);
        return out;
    });
}

JNIEXPORT void JNICALL Java_org_canvass_Native_recordReview(JNIEnv* env, jclass, jlong store,
                                                            jbyteArray id, jbyteArray state,
                                                            jbyteArray comment) {
    return guard(env, [&]() -> void {
        Text i(env, id), st(env, state), cm(env, comment);
        if (refuse_nul(env, {&i, &st, &cm})) return;
        canvass_error err{};
        failed(env, canvass_record_review(store_of(store), i.c_str(), st.c_str(), cm.c_str(), &err),
               err);
    });
}

}  // extern "C"
