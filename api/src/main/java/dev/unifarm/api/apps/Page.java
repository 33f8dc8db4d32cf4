package dev.unifarm.api.apps;

import dev.unifarm.api.problem.ProblemException;
import java.util.List;
import java.util.function.Function;

/** A page of a list: {@code {"items": [...], "next": <cursor|null>}}; pass {@code next} as {@code ?after=}. */
public record Page<T>(List<T> items, String next) {

    public static final int MAX_LIMIT = 500;

    /** Checks a client's {@code ?limit=}. */
    public static int checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.badRequest("invalid-limit", "limit must be from 1 to " + MAX_LIMIT);
        }
        return limit;
    }

    /** Builds a page from {@code limit + 1} fetched rows: the extra row only says there is more. */
    public static <T> Page<T> of(List<T> fetched, int limit, Function<T, String> cursor) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, null);
        }
        List<T> items = fetched.subList(0, limit);
        return new Page<>(List.copyOf(items), cursor.apply(items.get(limit - 1)));
    }
}
