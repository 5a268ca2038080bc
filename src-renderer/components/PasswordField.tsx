import { useId, type Ref } from 'react';

/**
 * A labelled passphrase field. The value lives in the caller's state, so a form can empty it after every
 * try (a passphrase never stays in the page longer than one submit).
 */
export function PasswordField({
  label,
  value,
  onChange,
  autoComplete = 'off',
  inputRef,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  autoComplete?: 'off' | 'new-password' | 'current-password';
  inputRef?: Ref<HTMLInputElement>;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        ref={inputRef}
        type="password"
        autoComplete={autoComplete}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}
