namespace kinesys::codecs {
char const* library_name() noexcept { return "kinesys::codecs"; }
}  // namespace kinesys::codecs
