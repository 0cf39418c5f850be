// kinesys-local's DynamoDB expression parsers (condition, update,
// projection): any text parses or yields a message, never a crash; a parsed
// tree only refers to nodes and paths that exist.
#include "dynamo/expression.hpp"

#include <cstdlib>
#include <string_view>
#include <variant>

namespace expr = kinesys::local::dynamo::expr;

namespace {

template <class Tree>
void check_nodes(Tree const& t)
{
  for (auto const& n : t.nodes) {
    for (auto child : n.children)
      if (child >= t.nodes.size()) std::abort();
    if (n.kind == expr::node_kind::path && n.path >= t.paths.size()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
  std::string_view text(reinterpret_cast<char const*>(data), size);
  auto c = expr::parse_condition(text);
  if (auto* tree = std::get_if<0>(&c)) {
    check_nodes(**tree);
    if ((*tree)->root >= (*tree)->nodes.size()) std::abort();
  } else if (std::get<1>(c).message.empty()) {
    std::abort();
  }
  auto u = expr::parse_update(text);
  if (auto* tree = std::get_if<0>(&u)) {
    check_nodes(**tree);
    for (auto const& a : (*tree)->actions)
      if (a.k != expr::update_action::kind::remove && a.value >= (*tree)->nodes.size()) std::abort();
  } else if (std::get<1>(u).message.empty()) {
    std::abort();
  }
  auto p = expr::parse_projection(text);
  if (auto* tree = std::get_if<0>(&p)) {
    for (auto const& path : (*tree)->paths) (void)expr::describe(path);
  } else if (std::get<1>(p).message.empty()) {
    std::abort();
  }
  return 0;
}
