package io.smtconsole.broker;

import java.util.HashMap;
import java.util.Map;

/**
 * Pure: each console's role from groups.properties (docs/roles.md). A role is a group of console names:
 * viewers, operators, approvers, admins. The broker reads it at every sweep, so a changed role holds for
 * the console's next frame, on the session it already has.
 */
final class ConsoleRoles {
    enum Role {
        VIEWER("viewers"), OPERATOR("operators"), APPROVER("approvers"), ADMIN("admins");

        final String group;

        Role(String group) {
            this.group = group;
        }

        String label() {
            return name().toLowerCase();
        }

        /** Pushes, commands and broadcasts change remotes: every role but the viewer's. */
        boolean changesRemotes() {
            return this != VIEWER;
        }
    }

    private ConsoleRoles() {}

    /**
     * Name to role. A name in two role groups gets the lesser: a half-done role change must not grant more
     * than either side of it. Null when the file could not be read: the caller keeps what it knew.
     */
    static Map<String, Role> of(Map<String, String> groupLines) {
        if (groupLines == null) {
            return null;
        }
        Map<String, Role> roles = new HashMap<>();
        for (Role role : Role.values()) {
            for (String member : ConsoleQueues.members(groupLines.get(role.group))) {
                Role had = roles.get(member);
                roles.put(member, had == null || role.ordinal() < had.ordinal() ? role : had);
            }
        }
        return roles;
    }
}
