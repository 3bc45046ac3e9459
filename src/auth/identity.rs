//! The names an account is known by, parsed once at the edge: `Username`
//! (3–32 of `[a-z0-9_.-]`) and `Email`. A failure is a `ValidationError`
//! whose code ends up in the 422's `fields`.

use validator::{ValidateEmail, ValidationError};

const USERNAME_MIN: usize = 3;
const USERNAME_MAX: usize = 32;
/// RFC 5321's limit on a forward path.
const EMAIL_MAX: usize = 254;

/// A valid username. Only lowercase is accepted: the column is
/// case-insensitive anyway, and refusing `Alice` beats silently storing
/// `alice` when the person later types the name they chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        // Bounded count: a megabyte of input costs no more than 33 chars.
        let len = s.chars().take(USERNAME_MAX + 1).count();
        if len < USERNAME_MIN {
            return Err(ValidationError::new("too_short"));
        }
        if len > USERNAME_MAX {
            return Err(ValidationError::new("too_long"));
        }
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c);
        if !s.chars().all(allowed) {
            return Err(ValidationError::new("invalid_characters"));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        if s.len() > EMAIL_MAX || !s.validate_email() {
            return Err(ValidationError::new("invalid_email"));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(e: ValidationError) -> String {
        e.code.into_owned()
    }

    #[test]
    fn usernames_are_3_to_32_lowercase_letters_digits_and_dot_dash_underscore() {
        for ok in ["abc", "a.b-c_9", &"x".repeat(32)] {
            assert_eq!(Username::parse(ok).unwrap().as_str(), ok);
        }
        assert_eq!(code(Username::parse("ab").unwrap_err()), "too_short");
        assert_eq!(
            code(Username::parse(&"x".repeat(33)).unwrap_err()),
            "too_long"
        );
        for bad in ["Alice", "al ice", "alïce", "al/ice"] {
            assert_eq!(
                code(Username::parse(bad).unwrap_err()),
                "invalid_characters",
                "{bad}"
            );
        }
    }

    #[test]
    fn emails_must_look_like_emails() {
        assert!(Email::parse("a@example.com").is_ok());
        for bad in [
            "",
            "nope",
            "a@",
            &format!("{}@example.com", "a".repeat(250)),
        ] {
            assert_eq!(code(Email::parse(bad).unwrap_err()), "invalid_email");
        }
    }
}
