package io.helixstack.plugin.api;

import io.helixstack.domain.Event;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The registry between event classes and their wire names ({@link Event#type()}), derived from the sealed catalogue's
 * permitted subclasses: a new event record needs no change here or in any bus.
 */
public final class EventTypes {
    private static final Map<String, Class<? extends Event>> BY_WIRE_NAME;
    private static final Map<Class<? extends Event>, String> BY_CLASS;

    static {
        Map<String, Class<? extends Event>> byName = new LinkedHashMap<>();
        Map<Class<? extends Event>, String> byClass = new LinkedHashMap<>();
        for (Class<?> permitted : Event.class.getPermittedSubclasses()) {
            Class<? extends Event> type = permitted.asSubclass(Event.class);
            String wire = placeholder(type).type();
            Class<? extends Event> clash = byName.put(wire, type);
            if (clash != null) {
                throw new IllegalStateException("wire name " + wire + " is used by both " + clash.getSimpleName() + " and "
                        + type.getSimpleName() + " (expected: one name per event)");
            }
            byClass.put(type, wire);
        }
        BY_WIRE_NAME = Collections.unmodifiableMap(byName);
        BY_CLASS = Collections.unmodifiableMap(byClass);
    }

    private EventTypes() {
    }

    /** Every event class of the catalogue, in declaration order. */
    public static Set<Class<? extends Event>> all() {
        return BY_CLASS.keySet();
    }

    public static String wireName(Class<? extends Event> type) {
        String wire = BY_CLASS.get(type);
        if (wire == null) {
            throw new IllegalArgumentException("event class " + type.getName() + " (expected: a record of the Event catalogue)");
        }
        return wire;
    }

    /** The class for a wire name, or empty for a name this build does not know (an event from a newer producer). */
    public static Optional<Class<? extends Event>> forWireName(String wireName) {
        return Optional.ofNullable(BY_WIRE_NAME.get(wireName));
    }

    /**
     * {@link Event#type()} is only defined on instances, so build one with harmless values for its components. A record
     * whose constructor rejects them fails here, at class initialisation, naming itself.
     */
    private static Event placeholder(Class<? extends Event> type) {
        if (!type.isRecord()) {
            throw new IllegalStateException(type.getName() + " is not a record (expected: every Event is a record)");
        }
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] parameterTypes = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Object[] args = Arrays.stream(parameterTypes).map(EventTypes::placeholderValue).toArray();
        try {
            Constructor<? extends Event> canonical = type.getDeclaredConstructor(parameterTypes);
            return canonical.newInstance(args);
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot learn the wire name of " + type.getName()
                    + ": its canonical constructor rejected placeholder values " + Arrays.toString(args), e);
        }
    }

    private static Object placeholderValue(Class<?> type) {
        if (type == UUID.class) {
            return new UUID(0, 1);
        }
        if (type == String.class) {
            return "placeholder";
        }
        if (type == Instant.class) {
            return Instant.EPOCH;
        }
        if (type == int.class || type == Integer.class) {
            return 1;
        }
        if (type == long.class || type == Long.class) {
            return 1L;
        }
        if (type == boolean.class || type == Boolean.class) {
            return false;
        }
        if (type.isEnum()) {
            return type.getEnumConstants()[0];
        }
        return null;
    }
}
