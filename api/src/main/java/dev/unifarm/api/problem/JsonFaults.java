package dev.unifarm.api.problem;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException.Reference;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Words a JSON body's mistake for the user: which field, the type it takes (read from the body's
 * record), the fields an object has; or, for text that is not JSON, where it broke and what to send.
 */
final class JsonFaults {

    private JsonFaults() {
    }

    static ProblemException problem(JsonProcessingException e, Type root, JsonBody body) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            List<Reference> path = unknown.getPath();
            List<Reference> parentPath = path.isEmpty() ? path : path.subList(0, path.size() - 1);
            String owner = parentPath.isEmpty() ? body.name() : body.fieldPrefix() + path(parentPath);
            Type parent = typeAt(root, parentPath);
            String fields = parent != null && raw(parent).isRecord() ? fieldNames(parent)
                    : unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
            return ProblemException.badRequest(body.invalidType(), owner + " has an unknown field \"" + unknown.getPropertyName()
                    + "\"; its fields are " + fields);
        }
        if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            Type expected = typeAt(root, mismatch.getPath());
            String what = expected != null ? describe(expected) + example(expected) : "of another JSON type";
            return ProblemException.badRequest(body.invalidType(), body.fieldPrefix() + path(mismatch.getPath()) + " must be " + what);
        }
        if (e instanceof DatabindException) {
            // The body as a whole has the wrong shape: an array, a string, trailing text.
            return ProblemException.badRequest(body.invalidType(), body.name() + " must be " + shape(root));
        }
        String where = "";
        if (e instanceof StreamReadException read && read.getLocation() != null && read.getLocation() != JsonLocation.NA) {
            where = " at line " + read.getLocation().getLineNr() + ", column " + read.getLocation().getColumnNr();
        }
        return ProblemException.badRequest(body.syntaxType(), body.name() + " is not JSON (" + firstLine(e.getOriginalMessage()) + where
                + "): send " + shape(root));
    }

    /** {@code env.A}, {@code args[1]}, {@code scaling.maxInstances}. */
    private static String path(List<Reference> path) {
        StringBuilder text = new StringBuilder();
        for (Reference reference : path) {
            if (reference.getFieldName() != null) {
                text.append(text.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else {
                text.append('[').append(reference.getIndex()).append(']');
            }
        }
        return text.toString();
    }

    /** The declared type at {@code path} below {@code root}: record components, list elements, map values. */
    private static Type typeAt(Type root, List<Reference> path) {
        Type type = root;
        for (Reference reference : path) {
            if (type == null) {
                return null;
            }
            Class<?> raw = raw(type);
            if (Collection.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw)) {
                type = typeArgument(type, Map.class.isAssignableFrom(raw) ? 1 : 0);
            } else if (raw.isRecord() && reference.getFieldName() != null) {
                type = Arrays.stream(raw.getRecordComponents()).filter(c -> c.getName().equals(reference.getFieldName()))
                        .map(RecordComponent::getGenericType).findFirst().orElse(null);
            } else {
                return null;
            }
        }
        return type;
    }

    private static String describe(Type type) {
        Class<?> raw = raw(type);
        if (raw == String.class) {
            return "a string";
        }
        if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
            return "an integer";
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(raw)) {
            Type element = typeArgument(type, 0);
            return element != null && raw(element) == String.class ? "a list of strings" : "a list";
        }
        if (Map.class.isAssignableFrom(raw)) {
            Type value = typeArgument(type, 1);
            return value != null && raw(value) == String.class ? "an object of string values" : "an object";
        }
        if (raw.isEnum()) {
            return "one of " + Arrays.stream(raw.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "));
        }
        if (raw.isRecord()) {
            return "an object with the fields " + fieldNames(raw);
        }
        return "a " + raw.getSimpleName();
    }

    private static String example(Type type) {
        Class<?> raw = raw(type);
        if (Collection.class.isAssignableFrom(raw)) {
            return ", such as [\"one\", \"two\"]";
        }
        if (Map.class.isAssignableFrom(raw)) {
            return ", such as {\"NAME\": \"value\"}";
        }
        return "";
    }

    /** What to send: the object and each field's type, one level deep. */
    private static String shape(Type root) {
        Class<?> raw = root == null ? Object.class : raw(root);
        if (!raw.isRecord()) {
            return root == null ? "a JSON value of the documented type (see /q/openapi)" : describe(root);
        }
        return "a JSON object with the fields " + Arrays.stream(raw.getRecordComponents())
                .map(c -> c.getName() + " (" + (raw(c.getGenericType()).isRecord() ? "an object" : describe(c.getGenericType())) + ")")
                .collect(Collectors.joining(", ")) + "; every field is optional";
    }

    private static String fieldNames(Type type) {
        return Arrays.stream(raw(type).getRecordComponents()).map(RecordComponent::getName).collect(Collectors.joining(", "));
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : Object.class;
    }

    private static Type typeArgument(Type type, int index) {
        return type instanceof ParameterizedType p && p.getActualTypeArguments().length > index ? p.getActualTypeArguments()[index] : null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
