"""The pupil survey on a shared school tablet: class code, language, one question per screen."""
