from perisai.workers.membership import (
    damm_digit,
    is_valid_membership_number,
    new_membership_number,
)


def test_new_numbers_have_11_digits_and_pass_the_check():
    numbers = {new_membership_number() for _ in range(500)}
    assert len(numbers) == 500
    assert all(len(n) == 11 and n.isdigit() and is_valid_membership_number(n) for n in numbers)


def test_every_single_digit_typo_is_caught():
    number = "1234567890" + damm_digit("1234567890")
    assert is_valid_membership_number(number)
    for position in range(11):
        for digit in "0123456789":
            if digit != number[position]:
                typo = number[:position] + digit + number[position + 1 :]
                assert not is_valid_membership_number(typo), typo


def test_every_adjacent_swap_is_caught():
    number = "9081726354" + damm_digit("9081726354")
    for i in range(10):
        if number[i] != number[i + 1]:
            swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
            assert not is_valid_membership_number(swapped), swapped


def test_wrong_shapes_are_invalid():
    assert not is_valid_membership_number("123")
    assert not is_valid_membership_number("1234567890a")
