#!/bin/bash

__imggit_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__imggit_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__imggit_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__imggit_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_imggit() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __imggit_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    log|show|diff|commit|merge|rebase|tag|reset|reflog|import|export|extract|pull|push|login|logout|init|fsck|gc|mirror|help)
        # Offer subcommand argument completions
        "_imggit_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'log show diff commit merge rebase tag reset reflog import export extract pull push login logout init fsck gc mirror help' -- "${cur}"))
        ;;
    esac
}

_imggit_log() {
    repeating_flags=()
    non_repeating_flags=(--all --graph --oneline --stat --offline --insecure --json --git-ids --version -h --help)
    repeating_options=()
    non_repeating_options=(-n --max-count --store --creds --jobs --cert --timeout --platform --git)
    __imggit_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-n'|'--max-count')
        return
        ;;
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    '--platform')
        return
        ;;
    '--git')
        __imggit_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion log -- positional@0 "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_imggit_show() {
    repeating_flags=()
    non_repeating_flags=(--stat --name-status --offline --insecure --json --git-ids --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --creds --jobs --cert --timeout --platform --git)
    __imggit_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    '--platform')
        return
        ;;
    '--git')
        __imggit_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion show -- positional@0 "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_imggit_diff() {
    repeating_flags=()
    non_repeating_flags=(--stat --name-status --exit-code --quiet -q --offline --insecure --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --creds --jobs --cert --timeout --platform)
    __imggit_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    '--platform')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion diff -- positional@0 "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    2)
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion diff -- positional@1 "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_imggit_commit() {
    repeating_flags=()
    non_repeating_flags=(--offline --insecure --json --quiet -q --version -h --help)
    repeating_options=(--add --rm --env --label)
    non_repeating_options=(--message -m --tag -t --cmd --entrypoint --workdir --user --compression --level --store --creds --jobs --cert --timeout --platform)
    __imggit_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--message'|'-m')
        return
        ;;
    '--tag'|'-t')
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion commit -- --tag "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    '--add')
        __imggit_add_completions -f
        return
        ;;
    '--rm')
        return
        ;;
    '--env')
        return
        ;;
    '--cmd')
        return
        ;;
    '--entrypoint')
        return
        ;;
    '--workdir')
        return
        ;;
    '--user')
        return
        ;;
    '--label')
        return
        ;;
    '--compression')
        __imggit_add_completions -W 'none'$'\n''gzip'$'\n''zstd'
        return
        ;;
    '--level')
        return
        ;;
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    '--platform')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion commit -- positional@0 "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_imggit_merge() {
    repeating_flags=()
    non_repeating_flags=(--squash --offline --insecure --json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--strategy --tag -t --message -m --compression --level --store --creds --jobs --cert --timeout --platform)
    __imggit_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--strategy')
        __imggit_add_completions -W 'ours'$'\n''theirs'
        return
        ;;
    '--tag'|'-t')
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion merge -- --tag "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    '--message'|'-m')
        return
        ;;
    '--compression')
        __imggit_add_completions -W 'none'$'\n''gzip'$'\n''zstd'
        return
        ;;
    '--level')
        return
        ;;
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    '--platform')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion merge -- positional@0 "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_imggit_rebase() {
    repeating_flags=()
    non_repeating_flags=(--all --strict --offline --insecure --json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--onto --tag -t --store --creds --jobs --cert --timeout --platform)
    __imggit_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--onto')
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion rebase -- --onto "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    '--tag'|'-t')
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion rebase -- --tag "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    '--platform')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion rebase -- positional@0 "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_imggit_tag() {
    repeating_flags=()
    non_repeating_flags=(--force -f --offline --insecure --json --quiet -q --version -h --help)
    repeating_options=(--delete -d)
    non_repeating_options=(--store --creds --jobs --cert --timeout --platform)
    __imggit_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--delete'|'-d')
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion tag -- --delete "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    '--platform')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion tag -- positional@0 "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    2)
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion tag -- positional@1 "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_imggit_reset() {
    repeating_flags=()
    non_repeating_flags=(--offline --insecure --json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --creds --jobs --cert --timeout --platform)
    __imggit_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    '--platform')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion reset -- positional@0 "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    2)
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion reset -- positional@1 "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_imggit_reflog() {
    repeating_flags=()
    non_repeating_flags=(--offline --insecure --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --creds --jobs --cert --timeout)
    __imggit_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion reflog -- positional@0 "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_imggit_import() {
    repeating_flags=()
    non_repeating_flags=(--offline --insecure --json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-t --tag --store --creds --jobs --cert --timeout)
    __imggit_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-t'|'--tag')
        return
        ;;
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __imggit_add_completions -f
        return
        ;;
    esac
}

_imggit_export() {
    repeating_flags=()
    non_repeating_flags=(--offline --insecure --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--output -o --format --name -n --store --creds --jobs --cert --timeout --platform)
    __imggit_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--output'|'-o')
        __imggit_add_completions -f
        return
        ;;
    '--format')
        __imggit_add_completions -W 'docker'$'\n''oci'
        return
        ;;
    '--name'|'-n')
        return
        ;;
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    '--platform')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion export -- positional@0 "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_imggit_extract() {
    repeating_flags=()
    non_repeating_flags=(--layer --offline --insecure --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-C --output -o --store --creds --jobs --cert --timeout --platform)
    __imggit_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-C')
        __imggit_add_completions -d
        return
        ;;
    '--output'|'-o')
        __imggit_add_completions -f
        return
        ;;
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    '--platform')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion extract -- positional@0 "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_imggit_pull() {
    repeating_flags=()
    non_repeating_flags=(--index --offline --insecure --json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-t --tag --platform --layers --store --creds --jobs --cert --timeout)
    __imggit_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-t'|'--tag')
        return
        ;;
    '--platform')
        return
        ;;
    '--layers')
        __imggit_add_completions -W 'all'$'\n''none'$'\n''top'
        return
        ;;
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_imggit_push() {
    repeating_flags=()
    non_repeating_flags=(--all --offline --insecure --json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --creds --jobs --cert --timeout --platform)
    __imggit_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    '--platform')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion push -- positional@0 "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_imggit_login() {
    repeating_flags=()
    non_repeating_flags=(--password-stdin --insecure --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-u --username --creds --jobs --cert --timeout)
    __imggit_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-u'|'--username')
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_imggit_logout() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __imggit_offer_flags_options 1
}

_imggit_init() {
    repeating_flags=()
    non_repeating_flags=(--offline --insecure --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --creds --jobs --cert --timeout)
    __imggit_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __imggit_add_completions -d
        return
        ;;
    esac
}

_imggit_fsck() {
    repeating_flags=()
    non_repeating_flags=(--offline --insecure --json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--store --creds --jobs --cert --timeout)
    __imggit_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_imggit_gc() {
    repeating_flags=()
    non_repeating_flags=(--dry-run --offline --insecure --json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--expire-reflog --grace --store --creds --jobs --cert --timeout)
    __imggit_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--expire-reflog')
        return
        ;;
    '--grace')
        return
        ;;
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_imggit_mirror() {
    repeating_flags=()
    non_repeating_flags=(--content --all --offline --insecure --json --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--git --store --creds --jobs --cert --timeout --platform)
    __imggit_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--git')
        __imggit_add_completions -d
        return
        ;;
    '--store')
        __imggit_add_completions -d
        return
        ;;
    '--creds')
        return
        ;;
    '--jobs')
        return
        ;;
    '--cert')
        __imggit_add_completions -f
        return
        ;;
    '--timeout')
        return
        ;;
    '--platform')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __imggit_add_completions -W "$(__imggit_custom_complete ---completion mirror -- positional@0 "${COMP_CWORD}" "$(__imggit_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_imggit_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __imggit_offer_flags_options -1
}

complete -o filenames -F _imggit imggit
