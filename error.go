package terrane

import (
	"errors"
	"fmt"
)

// Error codes. The api package maps each to one HTTP status.
const (
	ECONFLICT     = "conflict"     // a unique key already exists, or the state forbids the change
	EINTERNAL     = "internal"     // a bug or an unavailable dependency
	EINVALID      = "invalid"      // the caller's input is malformed or out of range
	ENOTFOUND     = "not_found"    // no such entity (or not visible to the caller)
	EUNAUTHORIZED = "unauthorized" // no or bad credentials
	EFORBIDDEN    = "forbidden"    // authenticated but not allowed
	EINFEASIBLE   = "infeasible"   // a well-formed problem with no solution
	ETOOLARGE     = "too_large"    // an upload or request over its size limit
	ERATELIMIT    = "rate_limited" // too many requests
	ENOTIMPL      = "not_implemented"
)

// Error is a domain error with a machine-readable Code and a Message meant for
// people: it names the field, row or id that is wrong.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("terrane error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or a
// generic message for other errors so internals are not leaked to callers.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
