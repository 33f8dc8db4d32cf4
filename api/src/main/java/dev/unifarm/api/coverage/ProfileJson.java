package dev.unifarm.api.coverage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.scheduler.coverage.SyscallOutcome;
import dev.unifarm.scheduler.coverage.SyscallProfile;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/** A {@link SyscallProfile} as stored in {@code calls_json}: {@code {"openat": {"ok": 40, "error": 3}}}. */
final class ProfileJson {

    private ProfileJson() {
    }

    static String write(ObjectMapper json, SyscallProfile profile) {
        Map<String, Map<SyscallOutcome, Long>> calls = new TreeMap<>();
        for (String name : profile.names()) {
            Map<SyscallOutcome, Long> byOutcome = new EnumMap<>(SyscallOutcome.class);
            for (SyscallOutcome outcome : SyscallOutcome.values()) {
                long n = profile.calls(name, outcome);
                if (n > 0) {
                    byOutcome.put(outcome, n);
                }
            }
            calls.put(name, byOutcome);
        }
        try {
            return json.writeValueAsString(calls);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of counts is always JSON", e);
        }
    }

    static SyscallProfile read(ObjectMapper json, String text) {
        Map<String, Map<SyscallOutcome, Long>> calls;
        try {
            calls = json.readValue(text, new TypeReference<Map<String, Map<SyscallOutcome, Long>>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored calls are always JSON", e);
        }
        SyscallProfile profile = new SyscallProfile();
        calls.forEach((name, byOutcome) -> byOutcome.forEach((outcome, n) -> profile.add(name, outcome, n)));
        return profile;
    }
}
